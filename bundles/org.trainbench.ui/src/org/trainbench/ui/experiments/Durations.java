package org.trainbench.ui.experiments;

import java.time.Duration;

/** Short human texts for durations: {@code 45 s}, {@code 12 min}, {@code 3 h 05 min}, {@code 2 d 4 h}. */
public final class Durations {
    private Durations() {
    }

    public static String words(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        if (hours < 48) {
            return String.format("%d h %02d min", hours, minutes % 60);
        }
        return (hours / 24) + " d " + (hours % 24) + " h";
    }
}
