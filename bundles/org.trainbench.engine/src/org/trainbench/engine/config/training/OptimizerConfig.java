package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Key;
import org.trainbench.engine.config.schema.Range;

/** {@code optimizer}: AdamW. */
public record OptimizerConfig(
        @Doc("The learning rate and its schedule: warmup, then decay.")
        LearningRateConfig learningRate,
        @Doc("Decoupled weight decay (AdamW), applied to the weights at each step.")
        @Default("0.01") @Range(min = 0)
        double weightDecay,
        @Doc("Adam's first-moment (momentum) decay rate.")
        @Key("beta_1") @Default("0.9") @Range(min = 0, max = 1)
        double beta1,
        @Doc("Adam's second-moment decay rate.")
        @Key("beta_2") @Default("0.999") @Range(min = 0, max = 1)
        double beta2,
        @Doc("Adam's epsilon, added to the denominator for numerical stability.")
        @Default("1.0e-08") @Range(min = 0, minExclusive = true)
        double epsilon,
        @Doc("Maximum global norm of the gradients; larger gradients are scaled down to it.")
        @Default("1.0") @Range(min = 0, minExclusive = true)
        double gradientNormClipping) {
}
