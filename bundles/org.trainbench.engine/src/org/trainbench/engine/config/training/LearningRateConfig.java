package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code optimizer.learning_rate}: linear warmup to {@code base}, then decay to {@code minimum}. */
public record LearningRateConfig(
        @Doc("Peak learning rate, reached at the end of the warmup.")
        @Default("0.0001") @Range(min = 0)
        double base,
        @Doc("Learning rate at the end of the decay (and after it).")
        @Default("0.0") @Range(min = 0)
        double minimum,
        @Doc("Shape of the decay from base to minimum.")
        @Default("constant")
        DecayStyle decayStyle,
        @Doc("Number of iterations of the decay, counted from the start of training (warmup included).")
        @DerivedDefault("training.train_iters") @Range(min = 1)
        Integer decayIterations,
        @Doc("Number of iterations of the linear warmup from 0 to base.")
        @Default("0") @Range(min = 0)
        int warmupIterations) {
}
