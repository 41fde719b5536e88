package org.trainbench.launch.ui;

import org.eclipse.core.expressions.PropertyTester;

/**
 * {@code org.trainbench.launch.isConfigFile}: enables "Run As > Trainbench Training Run" for YAML files, whether
 * they live in a workspace project or anywhere on disk. Tests the name only: menus are computed on the UI thread,
 * where Trainbench reads no files.
 */
public final class ConfigFileTester extends PropertyTester {

    @Override
    public boolean test(Object receiver, String property, Object[] args, Object expectedValue) {
        return "isConfigFile".equals(property) && ConfigFileLocation.isConfigFile(receiver);
    }
}
