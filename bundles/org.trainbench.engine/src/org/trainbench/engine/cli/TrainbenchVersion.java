package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** Reads the version stamped into the engine jar at build time (trainbench-version.properties). */
public final class TrainbenchVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"trainbench " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    public static String version() {
        try (InputStream in = TrainbenchVersion.class.getResourceAsStream("trainbench-version.properties")) {
            if (in == null) {
                return "development";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "development");
        } catch (IOException e) {
            return "development";
        }
    }
}
