package org.trainbench.engine.train.schedule;

import java.util.Locale;

/** Shape of the learning-rate decay after warmup (`optimizer.learning_rate.decay_style`). */
public enum DecayStyle {
    /** Stays at the base learning rate; `minimum` and `decay_iterations` are not used. */
    CONSTANT,
    /** Straight line from base to minimum (Fast-LLM: a power stage with the configured decay_power). */
    LINEAR,
    /** Like linear, named separately in Fast-LLM: base + (minimum - base) * t^decay_power. */
    POWER,
    /** Half a cosine from base to minimum: base + (minimum - base) * (1 - cos(pi * t^decay_power)) / 2. */
    COSINE;

    /** The config spelling, as in Fast-LLM's YAML (`cosine`, `linear`, ...). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a config value.
     *
     * @throws IllegalArgumentException naming the allowed values when the text is none of them
     */
    public static DecayStyle fromConfig(String text) {
        for (DecayStyle style : values()) {
            if (style.configName().equals(text)) {
                return style;
            }
        }
        throw new IllegalArgumentException("optimizer.learning_rate.decay_style: expected one of constant, linear, power, cosine but got '"
                + text + "'");
    }
}
