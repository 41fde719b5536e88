package org.trainbench.ui.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PixelBucketDownsamplerTest {

    private static double[] steps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    @Test
    void aSeriesThatFitsTheWidthIsDrawnAsIsWithoutNaNs() {
        double[] x = {1, 2, 3, 4};
        double[] y = {4, Double.NaN, 2, 1};
        Points p = PixelBucketDownsampler.downsample(x, y, 4, 1, 4, 100, false);
        assertArrayEquals(new double[] {1, 3, 4}, p.x());
        assertArrayEquals(new double[] {4, 2, 1}, p.y());
    }

    @Test
    void aMillionPointsBecomeAtMostFourPerPixelColumnKeepingSpikesAndEnds() {
        int n = 1_000_000;
        double[] x = steps(n);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 3 + Math.sin(i * 0.001);
        }
        y[123_456] = 50; // a loss spike
        y[654_321] = -7;
        Points p = PixelBucketDownsampler.downsample(x, y, n, 1, n, 800, false);
        assertTrue(p.count() <= 4 * 800 + 2, "points: " + p.count());
        assertTrue(p.count() >= 800, "points: " + p.count());
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < p.count(); i++) {
            max = Math.max(max, p.y()[i]);
            min = Math.min(min, p.y()[i]);
            if (i > 0) {
                assertTrue(p.x()[i] > p.x()[i - 1], "x ascends");
            }
        }
        assertEquals(50, max);
        assertEquals(-7, min);
        assertEquals(1, p.x()[0]);
        assertEquals(n, p.x()[p.count() - 1]);
    }

    @Test
    void zoomingInKeepsThePointsJustOutsideTheRangeSoLinesReachTheEdges() {
        int n = 100_000;
        double[] x = steps(n);
        double[] y = new double[n];
        java.util.Arrays.fill(y, 2.0);
        Points p = PixelBucketDownsampler.downsample(x, y, n, 500.5, 600.5, 50, false);
        assertEquals(500, p.x()[0]);
        assertEquals(601, p.x()[p.count() - 1]);
        assertEquals(102, p.count(), "100 visible points plus one each side fit 50 columns without reduction");
    }

    @Test
    void aLogAxisLeavesOutValuesItCannotShow() {
        double[] x = {1, 2, 3};
        double[] y = {0.5, 0, -1};
        Points p = PixelBucketDownsampler.downsample(x, y, 3, 1, 3, 10, true);
        assertArrayEquals(new double[] {1}, p.x());
    }
}
