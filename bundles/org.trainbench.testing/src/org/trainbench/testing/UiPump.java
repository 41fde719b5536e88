package org.trainbench.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.swt.widgets.Display;

/**
 * Drives the UI thread from a test that runs on it: processes events (so that background jobs' asyncExec updates
 * and repaints happen) for a while, or until a condition holds. Off the UI thread they only wait.
 */
public final class UiPump {
    private UiPump() {
    }

    /** Processes UI events for {@code duration}. */
    public static void spin(Duration duration) {
        Display display = Display.getCurrent();
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            if (display == null || !display.readAndDispatch()) {
                sleep(5);
            }
        }
    }

    /**
     * Processes UI events until {@code condition} holds; fails with an AssertionError naming {@code what} after
     * {@code timeout}.
     *
     * @return how long it took
     */
    public static Duration waitUntil(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        Display display = Display.getCurrent();
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            if (display == null || !display.readAndDispatch()) {
                sleep(5);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** As {@link #waitUntil(Supplier, Duration, BooleanSupplier)} with a fixed description. */
    public static Duration waitUntil(String what, Duration timeout, BooleanSupplier condition) {
        return waitUntil(() -> what, timeout, condition);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
