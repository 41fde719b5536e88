package org.trainbench.ui.views;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.trainbench.ui.experiments.Durations;

/** How the views write numbers: losses with 4 decimals, throughput with thousands separators, sizes in binary units. */
final class Formats {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Formats() {
    }

    static String loss(double loss) {
        return Double.isFinite(loss) ? String.format(Locale.ROOT, "%.4f", loss) : "";
    }

    static String rate(double tokensPerSecond) {
        return Double.isFinite(tokensPerSecond) ? String.format(Locale.ROOT, "%,.0f", tokensPerSecond) : "";
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String eta(Duration eta) {
        return eta == null ? "" : Durations.words(eta);
    }

    static String time(Instant time) {
        return time == null ? "" : TIME.format(time);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String step(long step, long trainIters) {
        return trainIters > 0 ? count(step) + " / " + count(trainIters) : count(step);
    }
}
