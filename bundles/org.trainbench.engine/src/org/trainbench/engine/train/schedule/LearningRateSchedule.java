package org.trainbench.engine.train.schedule;

/**
 * The learning rate as a function of the optimizer step, with Fast-LLM's semantics
 * (fast_llm/engine/optimizer/learning_rate.py):
 * <ul>
 * <li>steps are counted from 1: the first update uses {@code learningRate(1)};</li>
 * <li>warmup: linear from 0 at step 0 to {@code base} at step {@code warmupIterations};</li>
 * <li>decay: from {@code base} at step {@code warmupIterations} to {@code minimum} at step
 * {@code decayIterations}, an absolute step (the decay does not start counting after warmup);</li>
 * <li>after {@code decayIterations} the rate stays at the value reached there.</li>
 * </ul>
 *
 * @param base             `optimizer.learning_rate.base`
 * @param minimum          `optimizer.learning_rate.minimum`
 * @param style            `optimizer.learning_rate.decay_style`
 * @param warmupIterations `optimizer.learning_rate.warmup_iterations`, 0 for no warmup
 * @param decayIterations  `optimizer.learning_rate.decay_iterations`, null when not set (only allowed with constant)
 * @param decayPower       `optimizer.learning_rate.decay_power`, 1 in the usual case
 */
public record LearningRateSchedule(double base, double minimum, DecayStyle style, int warmupIterations, Integer decayIterations,
        double decayPower) {

    public LearningRateSchedule {
        if (warmupIterations < 0) {
            throw new IllegalArgumentException("optimizer.learning_rate.warmup_iterations: expected >= 0 but got " + warmupIterations);
        }
        if (!(decayPower > 0)) {
            throw new IllegalArgumentException("optimizer.learning_rate.decay_power: expected > 0 but got " + decayPower);
        }
        if (style != DecayStyle.CONSTANT) {
            if (decayIterations == null) {
                throw new IllegalArgumentException("optimizer.learning_rate.decay_iterations: required with decay_style "
                        + style.configName() + "; set it to the step at which the rate reaches `minimum` (e.g. training.train_iters)");
            }
            if (decayIterations <= warmupIterations) {
                throw new IllegalArgumentException("optimizer.learning_rate.decay_iterations: expected more than warmup_iterations ("
                        + warmupIterations + ") but got " + decayIterations
                        + "; it is the absolute step where the decay ends, not the length of the decay after warmup");
            }
        } else if (decayIterations != null && decayIterations < warmupIterations) {
            throw new IllegalArgumentException("optimizer.learning_rate.decay_iterations: expected at least warmup_iterations ("
                    + warmupIterations + ") but got " + decayIterations);
        }
    }

    /** A schedule with the usual decay power 1. */
    public static LearningRateSchedule of(double base, double minimum, DecayStyle style, int warmupIterations, Integer decayIterations) {
        return new LearningRateSchedule(base, minimum, style, warmupIterations, decayIterations, 1.0);
    }

    /** The rate used by the update of optimizer step {@code step} (1 for the first update). */
    public double learningRate(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (step < warmupIterations) {
            return base * ((double) step / warmupIterations);
        }
        if (style == DecayStyle.CONSTANT) {
            return base;
        }
        // Past the end the last stage's end value holds (Fast-LLM appends an implicit constant stage).
        long clamped = Math.min(step, decayIterations);
        double progress = Math.pow((double) (clamped - warmupIterations) / (decayIterations - warmupIterations), decayPower);
        double shape = switch (style) {
            case LINEAR, POWER -> progress;
            case COSINE -> 0.5 * (1.0 - Math.cos(Math.PI * progress));
            case CONSTANT -> throw new AssertionError();
        };
        return base + shape * (minimum - base);
    }
}
