package org.trainbench.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates test fixtures as plain files, both under Tycho (which passes the folder in the system property
 * {@code trainbench.test.resources}) and in standalone runs started from the repository root.
 */
public final class TestFixtures {
    private TestFixtures() {
    }

    /** The fixture at {@code relative} inside bundles/org.trainbench.engine.tests/resources. */
    public static Path path(String relative) {
        Path file = root().resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("Test fixture not found: " + file.toAbsolutePath());
        }
        return file;
    }

    /** The fixture folder itself. */
    public static Path root() {
        String configured = System.getProperty("trainbench.test.resources");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of("bundles/org.trainbench.engine.tests/resources");
    }

    /** The repository root (examples/, docs/ live there). */
    public static Path repositoryRoot() {
        String configured = System.getProperty("trainbench.repository");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("");
    }
}
