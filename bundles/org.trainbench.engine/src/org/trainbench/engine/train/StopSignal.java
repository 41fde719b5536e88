package org.trainbench.engine.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop a run between two steps (Ctrl-C, SIGTERM, the IDE's stop button). The trainer checks it after
 * every step, writes a checkpoint and ends with a {@code stopped} event.
 *
 * <p>{@link #installShutdownHook()} turns SIGINT/SIGTERM into such a request: the JVM runs shutdown hooks on these
 * signals, and the hook waits (up to {@code maximumWait}) until the trainer reports that its run has ended, so
 * that the checkpoint is complete before the JVM halts.
 */
public final class StopSignal {
    private final AtomicReference<String> reason = new AtomicReference<>();
    private final CountDownLatch runEnded = new CountDownLatch(1);
    private Thread hook;

    /** Asks the run to stop after the current step; the first reason given is kept. */
    public void request(String why) {
        reason.compareAndSet(null, why);
    }

    public boolean isRequested() {
        return reason.get() != null;
    }

    /** Why a stop was requested, or null. */
    public String reason() {
        return reason.get();
    }

    /** Called by the trainer when its run is over (finished, stopped or failed). */
    void runEnded() {
        runEnded.countDown();
    }

    /**
     * Installs a JVM shutdown hook that requests a stop and waits for the run to end.
     *
     * @param maximumWaitSeconds how long the hook lets the trainer finish its step and checkpoint
     */
    public synchronized void installShutdownHook(long maximumWaitSeconds) {
        if (hook != null) {
            return;
        }
        hook = new Thread(() -> {
            request("signal (SIGINT/SIGTERM)");
            try {
                runEnded.await(maximumWaitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "trainbench-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the hook once the run is over, so that a later normal exit does not wait for anything. */
    public synchronized void removeShutdownHook() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook is running and returns as soon as runEnded() was called.
            }
            hook = null;
        }
    }
}
