package org.trainbench.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java runtime to start the engine with. The engine needs Java 25 (records, FFM, the Vector API incubator); the
 * runtime's version is read from its {@code release} file, which every JDK and jlink'd image carries, so nothing
 * is started to find out.
 *
 * @param home the runtime's home folder (the one holding bin/java and release)
 */
public record JavaRuntime(Path home) {

    /** The oldest Java feature release the engine runs on. */
    public static final int REQUIRED_FEATURE_VERSION = 25;

    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"?(\\d+)", Pattern.MULTILINE);

    /** The runtime that runs the workbench itself. */
    public static JavaRuntime running() {
        return new JavaRuntime(Path.of(System.getProperty("java.home")));
    }

    public Path executable() {
        return home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
    }

    /**
     * Checks that this runtime exists and is recent enough.
     *
     * @return a message that names the runtime, what is expected and what to do, or null when it is usable
     */
    public String problem() {
        if (!Files.isRegularFile(executable())) {
            return "Java runtime " + home + " has no " + home.relativize(executable())
                    + ": on the JVM tab, choose the home folder of a Java " + REQUIRED_FEATURE_VERSION
                    + " runtime (the folder that contains bin/java)";
        }
        Path release = home.resolve("release");
        String text;
        try {
            text = Files.readString(release);
        } catch (IOException e) {
            return "Java runtime " + home + " has no readable release file (" + e.getMessage()
                    + "), so its version is unknown: on the JVM tab, choose a Java " + REQUIRED_FEATURE_VERSION
                    + " JDK or JRE home";
        }
        Matcher matcher = JAVA_VERSION.matcher(text);
        if (!matcher.find()) {
            return "Java runtime " + home + ": its release file has no JAVA_VERSION line; choose a Java "
                    + REQUIRED_FEATURE_VERSION + " runtime on the JVM tab";
        }
        int feature = Integer.parseInt(matcher.group(1));
        if (feature < REQUIRED_FEATURE_VERSION) {
            return "Java runtime " + home + " is Java " + feature + ", the engine needs Java "
                    + REQUIRED_FEATURE_VERSION + " or newer: choose another runtime on the JVM tab";
        }
        return null;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }
}
