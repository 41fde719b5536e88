package org.trainbench.ui.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExponentialSmoothingTest {

    @Test
    void weightZeroLeavesTheCurveAsItIs() {
        double[] y = {3, 1, 4, 1, 5};
        assertArrayEquals(y, ExponentialSmoothing.smooth(y, 5, 0));
    }

    @Test
    void theAverageIsDebiasedSoItStartsAtTheFirstValue() {
        double[] s = ExponentialSmoothing.smooth(new double[] {1, 3, 5}, 3, 0.5);
        assertEquals(1.0, s[0], 1e-12);
        // (0.25 * 1 + 0.5 * 3) / (1 - 0.25)
        assertEquals(1.75 / 0.75, s[1], 1e-12);
        // (0.5 * 1.75 + 0.5 * 5) / (1 - 0.125)
        assertEquals((0.875 + 2.5) / 0.875, s[2], 1e-12);
        double[] constant = ExponentialSmoothing.smooth(new double[] {2, 2, 2, 2}, 4, 0.9);
        for (double v : constant) {
            assertEquals(2.0, v, 1e-12);
        }
    }

    @Test
    void missingValuesStayMissingWithoutDisturbingTheAverage() {
        double[] s = ExponentialSmoothing.smooth(new double[] {1, Double.NaN, 3}, 3, 0.5);
        assertTrue(Double.isNaN(s[1]));
        assertEquals(1.75 / 0.75, s[2], 1e-12);
    }

    @Test
    void aWeightOfOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ExponentialSmoothing.smooth(new double[1], 1, 1.0));
    }
}
