package org.trainbench.ui.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Axis tick positions at round numbers (1, 2 or 5 times a power of ten; decades on a log axis) and their labels. */
public final class NiceTicks {
    private NiceTicks() {
    }

    /** About {@code target} round values covering [min, max]. */
    public static List<Double> linear(double min, double max, int target) {
        List<Double> ticks = new ArrayList<>();
        if (!(max > min) || !Double.isFinite(min) || !Double.isFinite(max)) {
            ticks.add(min);
            return ticks;
        }
        double raw = (max - min) / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * (raw / magnitude < 1.5 ? 1 : raw / magnitude < 3.5 ? 2 : raw / magnitude < 7.5 ? 5 : 10);
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
            ticks.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return ticks;
    }

    /** Powers of ten within [min, max] (both positive); the two ends when the range holds fewer than two decades. */
    public static List<Double> decades(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        for (int e = (int) Math.ceil(Math.log10(min)); e <= Math.floor(Math.log10(max)); e++) {
            ticks.add(Math.pow(10, e));
        }
        if (ticks.size() < 2) {
            ticks.clear();
            ticks.add(min);
            ticks.add(max);
        }
        return ticks;
    }

    /** A short label: {@code 0.25}, {@code 1200}, {@code 3.5e-4}, {@code 2.1e+07}. */
    public static String label(double value) {
        double a = Math.abs(value);
        if (value == 0) {
            return "0";
        }
        if (a >= 1e6 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", value).replaceAll("\\.?0+e", "e");
        }
        String text = String.format(Locale.ROOT, "%.4f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }
}
