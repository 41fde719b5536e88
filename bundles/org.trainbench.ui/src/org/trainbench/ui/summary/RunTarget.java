package org.trainbench.ui.summary;

import java.nio.file.Path;

import org.eclipse.core.runtime.Platform;

/**
 * Where a config's run trains, as its launch configuration says: on the CPU (one engine process) or on N GPUs. The
 * launch bundle owns launch configurations and answers through the platform's adapter manager (an adapter factory for
 * {@link Path}, the config file, to this type), so this bundle does not depend on it.
 *
 * @param cpu                 the CPU backend: the summary shows memory in host RAM and no GPU time
 * @param gpus                GPUs the cuda backend trains on (1 on the CPU)
 * @param launchConfiguration the launch configuration's name, or null when the config has none yet: then the target is
 *                            what Run As would create, the engine's default CPU backend
 */
public record RunTarget(boolean cpu, int gpus, String launchConfiguration) {

    public RunTarget {
        if (gpus < 1) {
            throw new IllegalArgumentException("GPU count must be at least 1, got " + gpus);
        }
    }

    /** The run target of a config file, or null when no installed bundle knows launch configurations. */
    public static RunTarget of(Path configFile) {
        Object adapter = Platform.getAdapterManager().loadAdapter(configFile.toAbsolutePath().normalize(), RunTarget.class.getName());
        return adapter instanceof RunTarget target ? target : null;
    }

    /** How the summary says where the run trains: {@code CPU (launch configuration 'demo')}. */
    public String describe() {
        String where = cpu ? "CPU" : gpus + (gpus == 1 ? " GPU" : " GPUs");
        return launchConfiguration == null ? where + " (no launch configuration yet: Run As > Trainbench Training Run trains on the CPU)"
                : where + " (launch configuration '" + launchConfiguration + "')";
    }
}
