package org.trainbench.engine.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import picocli.CommandLine.IVersionProvider;

/**
 * The engine's version is its OSGi Bundle-Version, stamped by the build into the jar manifest
 * (e.g. 0.1.0.202611250630); running from classes (tests, IDE) reports "development".
 */
public final class TrainbenchVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"trainbench " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    public static String version() {
        try {
            Path location = Path.of(TrainbenchVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) {
                try (JarFile jar = new JarFile(location.toFile())) {
                    Manifest manifest = jar.getManifest();
                    String version = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-Version");
                    if (version != null) {
                        return version;
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // An unusual class loader (OSGi bundle entries): fall through to the development marker.
        }
        return "development";
    }
}
