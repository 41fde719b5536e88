package org.trainbench.engine.config.schema;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Fast-LLM config forms Trainbench reads. Most keys mean the same in all of them; a key that only some know
 * carries {@link Versions}. The engine's own records follow {@link #V0_2} (the form of the guides Trainbench is built
 * on), and a config in a later form is mapped onto it before it is bound ({@link FormMapping}).
 */
public enum FastLlmVersion {
    /** The seed guides' form (Fast-LLM before 2025-09): {@code batch}, {@code model.base_model.transformer}, nested evaluators. */
    V0_2("0.2"),
    /** Fast-LLM 0.3 (2025-09 to 2026-03): the {@code decoder/block/mixer/mlp} tree with {@code embeddings} and {@code head}. */
    V0_3("0.3"),
    /** Fast-LLM 0.4 (2026-03): batch keys in {@code data}, flat evaluators, no {@code sampled} datasets. Today's form. */
    V0_4("0.4");

    /** The form {@code trainbench migrate} writes. */
    public static final FastLlmVersion CURRENT = V0_4;

    private final String label;

    FastLlmVersion(String label) {
        this.label = label;
    }

    /** "0.2", "0.3", "0.4". */
    public String label() {
        return label;
    }

    /** The version written as {@code 0.4} (or {@code v0.4}), if Trainbench knows it. */
    public static java.util.Optional<FastLlmVersion> parse(String text) {
        String stripped = text.startsWith("v") ? text.substring(1) : text;
        for (FastLlmVersion version : values()) {
            if (version.label.equals(stripped)) {
                return java.util.Optional.of(version);
            }
        }
        return java.util.Optional.empty();
    }

    /** "0.2", "0.3 and 0.4", "0.2, 0.3 and 0.4". */
    public static String describe(Collection<FastLlmVersion> versions) {
        Set<FastLlmVersion> sorted = versions.isEmpty() ? EnumSet.noneOf(FastLlmVersion.class) : EnumSet.copyOf(versions);
        String labels = sorted.stream().map(FastLlmVersion::label).collect(Collectors.joining(", "));
        int last = labels.lastIndexOf(", ");
        return last < 0 ? labels : labels.substring(0, last) + " and " + labels.substring(last + 2);
    }
}
