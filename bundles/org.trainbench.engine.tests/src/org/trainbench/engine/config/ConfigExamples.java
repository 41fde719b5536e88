package org.trainbench.engine.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The example configs in the repository's examples/ folder, found from the system property
 * {@code trainbench.repository} (set by the build) or by walking up from the working directory.
 */
public final class ConfigExamples {

    public static final String PRETRAIN = "llama-3.1-8b-pretrain.yaml";
    public static final String PRETRAIN_PRETRAINED = "llama-3.1-8b-pretrain-pretrained.yaml";
    public static final String PRETRAIN_FROM_SCRATCH = "llama-3.1-8b-pretrain-from-scratch.yaml";
    public static final String SFT_PREPARE = "llama-3.1-8b-sft-prepare.yaml";
    public static final String SFT_TRAIN = "llama-3.1-8b-sft-train.yaml";

    /** The five seed configs. */
    public static final List<String> ALL = List.of(PRETRAIN, PRETRAIN_PRETRAINED, PRETRAIN_FROM_SCRATCH, SFT_PREPARE, SFT_TRAIN);

    private ConfigExamples() {
    }

    public static Path directory() {
        String configured = System.getProperty("trainbench.repository");
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured, "examples", PRETRAIN))) {
            return Path.of(configured, "examples");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("examples").resolve(PRETRAIN))) {
                return dir.resolve("examples");
            }
        }
        throw new IllegalStateException("examples/" + PRETRAIN + " not found from " + Path.of("").toAbsolutePath()
                + "; set -Dtrainbench.repository=<repository root>");
    }

    public static Path path(String name) {
        return directory().resolve(name);
    }

    public static String text(String name) {
        try {
            return Files.readString(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every *.yaml directly in examples/ (the seed configs). */
    public static List<Path> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
