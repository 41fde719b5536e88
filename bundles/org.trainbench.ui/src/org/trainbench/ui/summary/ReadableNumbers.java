package org.trainbench.ui.summary;

import java.util.Locale;

/**
 * The summary's numbers as people read them: 8.03 B parameters, 61.2 GiB, 94.8 PFLOP, 3.99 s. Memory in binary units
 * (what nvidia-smi and PyTorch report), counts and FLOPs in decimal ones.
 */
final class ReadableNumbers {
    private static final String[] DECIMAL = {"", "k", "M", "G", "T", "P", "E", "Z"};
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ReadableNumbers() {
    }

    /** {@code 8.03 B (8,030,261,248)}; below a million only the exact count. */
    static String parameters(long count) {
        String exact = String.format(Locale.ROOT, "%,d", count);
        if (count >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B (%s)", count / 1e9, exact);
        }
        if (count >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f M (%s)", count / 1e6, exact);
        }
        return exact;
    }

    static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /** {@code 61.2 GiB}; exact bytes below one KiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < BINARY.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, BINARY[unit]);
    }

    /** Floating-point operations with three significant digits: {@code 48.2 GFLOP}, {@code 94.8 PFLOP}. */
    static String flops(double flops) {
        double value = flops;
        int unit = 0;
        while (value >= 999.5 && unit < DECIMAL.length - 1) {
            value /= 1000;
            unit++;
        }
        return threeDigits(value) + " " + DECIMAL[unit] + "FLOP";
    }

    /** {@code 850 ms}, {@code 3.99 s}, {@code 152 s (2.5 min)}, {@code 7,200 s (2.0 h)}. */
    static String seconds(double seconds) {
        if (seconds < 0.9995) {
            return threeDigits(seconds * 1000) + " ms";
        }
        if (seconds < 99.95) {
            return threeDigits(seconds) + " s";
        }
        String whole = String.format(Locale.ROOT, "%,.0f s", seconds);
        return seconds < 3600 ? whole + String.format(Locale.ROOT, " (%.1f min)", seconds / 60)
                : whole + String.format(Locale.ROOT, " (%.1f h)", seconds / 3600);
    }

    private static String threeDigits(double value) {
        if (value >= 99.95) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (value >= 9.995) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
