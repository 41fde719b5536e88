package org.trainbench.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.Status;
import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The classpath of an engine JVM, taken from the bundles installed in this workbench: the engine bundle, the bundles
 * its imports are wired to (picocli), and for the cuda backend the CUDA bundle. The engine runs them as plain jars,
 * outside OSGi, exactly like the {@code trainbench} script of the CLI distribution.
 *
 * <p>A bundle is usually a jar. When it is a folder (an unpacked jar, or a bundle run from its project in a
 * development runtime) its classes are where the runtime's {@code osgi.dev} setting says, else in {@code bin/}
 * (Eclipse PDE) or {@code target/classes} (Maven), else in the folder itself.
 */
public final class EngineClasspath {

    public static final String ENGINE_BUNDLE = "org.trainbench.engine";
    public static final String CUDA_BUNDLE = "org.trainbench.engine.cuda";

    /** A class every engine build has; its presence tells a folder of classes from an empty one. */
    private static final String MAIN_CLASS_FILE = EngineCommandLine.MAIN_CLASS.replace('.', '/') + ".class";

    private EngineClasspath() {
    }

    /** The entries for a run on the given backend, engine first. */
    public static List<Path> resolve(Backend backend) throws CoreException {
        Set<Path> entries = new LinkedHashSet<>();
        Set<Long> visited = new HashSet<>();
        Bundle engine = installed(ENGINE_BUNDLE, "the engine");
        addWithDependencies(engine, entries, visited);
        if (!containsMainClass(entries)) {
            throw failure("The engine bundle " + location(engine) + " has no compiled " + EngineCommandLine.MAIN_CLASS
                    + " (looked in " + entries + "): build the engine (./mvnw verify) or reinstall Trainbench");
        }
        if (backend == Backend.CUDA) {
            addWithDependencies(installed(CUDA_BUNDLE, "the CUDA backend"), entries, visited);
        }
        return List.copyOf(entries);
    }

    private static Bundle installed(String symbolicName, String what) throws CoreException {
        Bundle bundle = Platform.getBundle(symbolicName);
        if (bundle == null) {
            throw failure("Bundle " + symbolicName + " (" + what + ") is not installed in this workbench: "
                    + "install the Trainbench feature that contains it");
        }
        return bundle;
    }

    private static void addWithDependencies(Bundle bundle, Set<Path> entries, Set<Long> visited) throws CoreException {
        // The system bundle (id 0) provides the JDK's packages; the engine JVM has those already.
        if (bundle.getBundleId() == 0 || !visited.add(bundle.getBundleId())) {
            return;
        }
        entries.addAll(entriesOf(bundle));
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null) {
            throw failure("Bundle " + bundle.getSymbolicName() + " is installed but not resolved, so its "
                    + "dependencies are unknown: see the Error Log for what it is missing");
        }
        for (BundleWire wire : wiring.getRequiredWires(null)) {
            String namespace = wire.getCapability().getNamespace();
            if (PackageNamespace.PACKAGE_NAMESPACE.equals(namespace) || BundleNamespace.BUNDLE_NAMESPACE.equals(namespace)) {
                addWithDependencies(wire.getProvider().getBundle(), entries, visited);
            }
        }
    }

    static List<Path> entriesOf(Bundle bundle) throws CoreException {
        File location = FileLocator.getBundleFileLocation(bundle).orElse(null);
        if (location == null) {
            throw failure("Bundle " + bundle.getSymbolicName() + " is not on the local file system ("
                    + bundle.getLocation() + "), so the engine JVM cannot load it");
        }
        Path path = location.toPath();
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> development = developmentEntries(bundle, path);
        if (!development.isEmpty()) {
            return development;
        }
        for (String classes : List.of("bin", "target/classes")) {
            Path candidate = path.resolve(classes);
            if (Files.isDirectory(candidate)) {
                return List.of(candidate);
            }
        }
        return List.of(path);
    }

    /** The folders that Equinox's development mode ({@code -dev}, set by PDE and Tycho) adds for this bundle. */
    private static List<Path> developmentEntries(Bundle bundle, Path folder) {
        String dev = System.getProperty("osgi.dev");
        if (dev == null || dev.isBlank()) {
            return List.of();
        }
        String entries = dev;
        Properties properties = devProperties(dev);
        if (properties != null) {
            entries = properties.getProperty(bundle.getSymbolicName(), properties.getProperty("*"));
        }
        List<Path> result = new ArrayList<>();
        if (entries != null) {
            for (String entry : entries.split(",")) {
                Path candidate = folder.resolve(entry.strip());
                if (!entry.isBlank() && Files.isDirectory(candidate)) {
                    result.add(candidate);
                }
            }
        }
        return result;
    }

    private static Properties devProperties(String dev) {
        try {
            URL url = new URI(dev).toURL();
            Properties properties = new Properties();
            try (InputStream in = url.openStream()) {
                properties.load(in);
            }
            return properties;
        } catch (URISyntaxException | IllegalArgumentException | IOException e) {
            // Not a URL: osgi.dev is a plain comma-separated list of class folders for every bundle.
            return null;
        }
    }

    private static boolean containsMainClass(Set<Path> entries) {
        for (Path entry : entries) {
            if (!Files.isDirectory(entry) || Files.isRegularFile(entry.resolve(MAIN_CLASS_FILE))) {
                return true;
            }
        }
        return false;
    }

    private static String location(Bundle bundle) {
        return FileLocator.getBundleFileLocation(bundle).map(File::toString).orElse(bundle.getLocation());
    }

    private static CoreException failure(String message) {
        return new CoreException(Status.error(message));
    }
}
