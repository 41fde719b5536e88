package org.trainbench.engine.prepare;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of {@code trainbench prepare} on stderr: records done, percentage, tokens, rates and ETA. On a
 * terminal it redraws one line about four times a second; otherwise (a log file) it prints a line every ten seconds.
 */
final class ProgressLine {
    private final PrintStream out;
    private final long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastPrint;

    ProgressLine(PrintStream out, long total) {
        this.out = out;
        this.total = total;
        this.terminal = System.console() != null;
    }

    void update(long done, long tokens) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        long interval = terminal ? 250_000_000L : 10_000_000_000L;
        if (now - lastPrint < interval) {
            return;
        }
        lastPrint = now;
        print(done, tokens, false);
    }

    void finish(long done, long tokens) {
        if (out != null) {
            print(done, tokens, true);
        }
    }

    private void print(long done, long tokens, boolean last) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 && done < total ? duration((total - done) / rate) : "0:00";
        String line = String.format(Locale.ROOT, "prepare: %,d/%,d records (%.1f%%) | %,d tokens | %,.0f records/s, %s tokens/s | %s %s",
                done, total, total == 0 ? 100.0 : 100.0 * done / total, tokens, rate, compact(tokens / seconds),
                last ? "done in" : "ETA", last ? duration(seconds) : eta);
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String compact(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
