package org.trainbench.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed set of threads that run the tasks 0..n-1 of one parallel region, the caller taking part.
 *
 * <p>Determinism is the caller's contract: every task writes only its own outputs and computes them the same
 * way whichever thread picks it up, so results never depend on timing or on the number of threads. A region
 * started from inside a task runs inline on the calling thread.
 */
public final class WorkerPool {
    /** System property that overrides the shared pool's size (default: availableProcessors). */
    public static final String THREADS_PROPERTY = "trainbench.threads";
    private static final WorkerPool SHARED = new WorkerPool(Integer.getInteger(THREADS_PROPERTY,
            Runtime.getRuntime().availableProcessors()));

    private final int threads;
    private final Thread[] helpers;
    private final ThreadLocal<Boolean> insideTask = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private volatile Region region;
    private volatile long generation;

    private static final class Region {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Region(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }
    }

    /** @param threads total threads working on a region, the caller included */
    public WorkerPool(int threads) {
        this.threads = Math.max(1, threads);
        this.helpers = new Thread[this.threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            Thread t = new Thread(this::helperLoop, "trainbench-worker-" + (i + 1));
            t.setDaemon(true);
            helpers[i] = t;
            t.start();
        }
    }

    /** The process-wide pool, sized from {@link Runtime#availableProcessors()} or {@value #THREADS_PROPERTY}. */
    public static WorkerPool shared() {
        return SHARED;
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for i in 0..tasks-1 and returns when all are done; rethrows a task's failure. */
    public void run(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 || helpers.length == 0 || insideTask.get()) {
            boolean was = insideTask.get();
            insideTask.set(true);
            try {
                for (int i = 0; i < tasks; i++) {
                    body.accept(i);
                }
            } finally {
                insideTask.set(was);
            }
            return;
        }
        synchronized (this) {
            Region r = new Region(body, tasks);
            region = r;
            generation++;
            for (Thread h : helpers) {
                LockSupport.unpark(h);
            }
            work(r);
            int spins = 0;
            while (r.finished.get() < r.tasks) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            region = null;
            if (r.failure != null) {
                if (r.failure instanceof RuntimeException e) {
                    throw e;
                }
                if (r.failure instanceof Error e) {
                    throw e;
                }
                throw new RuntimeException(r.failure);
            }
        }
    }

    private void work(Region r) {
        insideTask.set(true);
        try {
            int i;
            while ((i = r.next.getAndIncrement()) < r.tasks) {
                try {
                    if (r.failure == null) {
                        r.body.accept(i);
                    }
                } catch (Throwable t) {
                    r.failure = t;
                } finally {
                    r.finished.incrementAndGet();
                }
            }
        } finally {
            insideTask.set(false);
        }
    }

    private void helperLoop() {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen) {
                if (++spins < 5_000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            Region r = region;
            if (r != null) {
                work(r);
            }
        }
    }
}
