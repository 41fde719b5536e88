package org.trainbench.launch;

import java.util.Map;

import org.eclipse.debug.core.IProcessFactory;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.model.IProcess;

/**
 * Makes {@link EngineProcess}es. Registered under {@link #ID} (plugin.xml); Trainbench launch configurations name it
 * in {@link org.eclipse.debug.core.DebugPlugin#ATTR_PROCESS_FACTORY_ID}, so that DebugPlugin.newProcess uses it.
 */
public final class EngineProcessFactory implements IProcessFactory {

    public static final String ID = "org.trainbench.launch.engineProcessFactory";

    @Override
    public IProcess newProcess(ILaunch launch, Process process, String label, Map<String, String> attributes) {
        return new EngineProcess(launch, process, label, attributes);
    }
}
