package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;

/** {@code ...initialization} (Fast-LLM 0.3/0.4): how one weight is initialized. */
public record InitializationConfig(
        @Doc("Kind of initialization.")
        @Default("default")
        InitializationType type,
        @Doc("fill: the value.")
        Double value,
        @Doc("normal: standard deviation.")
        Double std,
        @Doc("normal, uniform: mean.")
        Double mean,
        @Doc("normal: lower clipping bound.")
        Double min,
        @Doc("normal: upper clipping bound.")
        Double max,
        @Doc("uniform: half-width of the interval.")
        Double scale) {
}
