package org.trainbench.engine.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static final double TOLERANCE = 1e-15;

    @Test
    void warmupRisesLinearlyFromZeroAndReachesBaseAtWarmupIterations() {
        LearningRateSchedule schedule = LearningRateSchedule.of(1e-3, 1e-4, DecayStyle.COSINE, 10, 110);
        assertEquals(0.0, schedule.learningRate(0), TOLERANCE);
        assertEquals(1e-4, schedule.learningRate(1), TOLERANCE);
        assertEquals(5e-4, schedule.learningRate(5), TOLERANCE);
        assertEquals(1e-3, schedule.learningRate(10), TOLERANCE);
    }

    @Test
    void cosineDecayEndsAtMinimumOnTheAbsoluteDecayIterationsStep() {
        LearningRateSchedule schedule = LearningRateSchedule.of(1e-3, 1e-4, DecayStyle.COSINE, 10, 110);
        // Half way through the decay (step 60 of 10..110) the cosine is at its midpoint.
        assertEquals(5.5e-4, schedule.learningRate(60), TOLERANCE);
        // A quarter of the way: base + (min - base) * (1 - cos(pi / 4)) / 2 = 1e-3 - 9e-4 * (1 - 0.70710678...) / 2.
        assertEquals(1e-3 - 9e-4 * (1 - Math.sqrt(0.5)) / 2, schedule.learningRate(35), 1e-15);
        assertEquals(1e-4, schedule.learningRate(110), TOLERANCE);
        assertEquals(1e-4, schedule.learningRate(500), TOLERANCE, "after decay_iterations the rate stays at minimum");
    }

    @Test
    void linearDecayIsAStraightLineFromBaseToMinimum() {
        LearningRateSchedule schedule = LearningRateSchedule.of(1e-3, 1e-4, DecayStyle.LINEAR, 10, 110);
        assertEquals(7.75e-4, schedule.learningRate(35), TOLERANCE);
        assertEquals(5.5e-4, schedule.learningRate(60), TOLERANCE);
        assertEquals(1e-4, schedule.learningRate(110), TOLERANCE);
    }

    @Test
    void powerDecayRaisesTheProgressToDecayPower() {
        LearningRateSchedule schedule = new LearningRateSchedule(1.0, 0.0, DecayStyle.POWER, 0, 100, 2.0);
        assertEquals(1.0 - 0.25, schedule.learningRate(50), TOLERANCE);
    }

    @Test
    void constantScheduleKeepsBaseAfterWarmupAndNeedsNoDecayIterations() {
        LearningRateSchedule schedule = LearningRateSchedule.of(2e-5, 0.0, DecayStyle.CONSTANT, 4, null);
        assertEquals(1e-5, schedule.learningRate(2), TOLERANCE);
        assertEquals(2e-5, schedule.learningRate(4), TOLERANCE);
        assertEquals(2e-5, schedule.learningRate(1_000_000), TOLERANCE);
    }

    @Test
    void noWarmupStartsAtBase() {
        LearningRateSchedule schedule = LearningRateSchedule.of(6e-4, 6e-5, DecayStyle.COSINE, 0, 100);
        assertEquals(6e-4, schedule.learningRate(0), TOLERANCE);
        assertTrue(schedule.learningRate(1) < 6e-4);
    }

    @Test
    void decayingWithoutDecayIterationsIsRejectedNamingTheKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.of(1e-3, 0, DecayStyle.COSINE, 10, null));
        assertTrue(error.getMessage().contains("optimizer.learning_rate.decay_iterations"), error.getMessage());
    }

    @Test
    void decayIterationsNotAfterWarmupIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.of(1e-3, 0, DecayStyle.LINEAR, 100, 100));
        assertTrue(error.getMessage().contains("absolute step"), error.getMessage());
    }

    @Test
    void decayStyleReadsTheConfigSpellingAndListsTheAllowedValues() {
        assertEquals(DecayStyle.COSINE, DecayStyle.fromConfig("cosine"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> DecayStyle.fromConfig("exp"));
        assertTrue(error.getMessage().contains("constant, linear, power, cosine"), error.getMessage());
    }
}
