package org.trainbench.engine.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints a run's progress for a person: messages as they come, and a step line (step, loss, learning rate,
 * tokens/s, ETA) at most every {@code minimumSeconds} and at the last step. On a terminal the step line is
 * rewritten in place; in a log file each one is a line of its own.
 */
public final class ProgressLine implements TrainingListener {
    /**
     * Environment variable naming where progress goes: {@code stdout}, or standard error when unset (the command-line
     * convention, which keeps standard output for results). The workbench sets it: its Console draws standard error in
     * red, which it keeps for problems.
     */
    public static final String STREAM_VARIABLE = "TRAINBENCH_PROGRESS";

    /** The stream progress goes to: {@code out} when {@value #STREAM_VARIABLE} is {@code stdout}, else {@code err}. */
    public static PrintWriter stream(PrintWriter out, PrintWriter err) {
        return "stdout".equals(System.getenv(STREAM_VARIABLE)) ? out : err;
    }

    private final PrintWriter out;
    private final boolean inPlace;
    private final double minimumSeconds;
    private long lastPrinted = Long.MIN_VALUE;
    private boolean lineOpen;
    private double firstLoss = Double.NaN;
    private long firstStep = -1;
    private long startNanos = -1;

    /**
     * @param inPlace        rewrite one line with carriage returns (for a terminal)
     * @param minimumSeconds least time between two step lines
     */
    public ProgressLine(PrintWriter out, boolean inPlace, double minimumSeconds) {
        this.out = out;
        this.inPlace = inPlace;
        this.minimumSeconds = minimumSeconds;
    }

    /** The loss of the first step this process made, NaN before any. */
    public double firstLoss() {
        return firstLoss;
    }

    @Override
    public void message(String text) {
        closeLine();
        out.println(text);
        out.flush();
    }

    @Override
    public void stepFinished(long step, long trainIters, double loss, double learningRate, double gradientNorm, double tokensPerSecond,
            double elapsedSeconds) {
        long now = System.nanoTime();
        if (firstStep < 0) {
            firstStep = step;
            firstLoss = loss;
            startNanos = now;
        }
        if (step < trainIters && lastPrinted != Long.MIN_VALUE && now - lastPrinted < minimumSeconds * 1e9) {
            return;
        }
        lastPrinted = now;
        String eta = "--:--";
        if (step > firstStep) {
            double perStep = (now - startNanos) / 1e9 / (step - firstStep);
            eta = duration(perStep * (trainIters - step));
        }
        String line = String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.2e  %s tok/s  ETA %s", step, trainIters, loss, learningRate,
                compact(tokensPerSecond), eta);
        if (inPlace) {
            out.print("\r" + line + "   ");
            lineOpen = true;
            if (step >= trainIters) {
                closeLine();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void evaluated(String name, long step, double loss) {
        closeLine();
        out.println(String.format(Locale.ROOT, "step %d  %s loss %.4f", step, name, loss));
        out.flush();
    }

    private void closeLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String compact(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", value / 1e6);
        }
        if (value >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
