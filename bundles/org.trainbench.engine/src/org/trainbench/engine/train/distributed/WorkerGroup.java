package org.trainbench.engine.train.distributed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker processes of {@code trainbench train --workers N} on this host: N JVMs running the same command line
 * (same Java, JVM options and class path) with torchrun's variables ({@code RANK}, {@code WORLD_SIZE},
 * {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}) set for each. Their output comes through this
 * process's, lines of ranks other than 0 prefixed with {@code [rank r]}.
 *
 * <p>SIGINT/SIGTERM to this process is forwarded to every worker (they agree to stop after the same step and rank 0
 * writes a checkpoint). When a worker exits with an error the others normally fail at once (their connections to it
 * close) or within {@code model.distributed.timeout} (it hangs); whatever is still running after that is terminated,
 * then killed, so no worker outlives the group. Each worker also stops when this process is gone
 * ({@link LaunchEnvironment#LAUNCHER_PID}).
 */
public final class WorkerGroup {
    /** How long workers get to write their checkpoint after a forwarded signal before they are killed. */
    private static final long SIGNAL_GRACE_SECONDS = 600;

    private final List<String> command;
    private final int workers;
    private final String masterAddress;
    private final int masterPort;
    private final double timeoutSeconds;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<Process> processes = new ArrayList<>();

    /**
     * @param command        the worker's whole command line (java, JVM options, class path, main class, arguments)
     * @param timeoutSeconds {@code model.distributed.timeout}: how long the others may take to notice a failed worker
     */
    public WorkerGroup(List<String> command, int workers, String masterAddress, int masterPort, double timeoutSeconds, PrintWriter out,
            PrintWriter err) {
        this.command = List.copyOf(command);
        this.workers = workers;
        this.masterAddress = masterAddress;
        this.masterPort = masterPort;
        this.timeoutSeconds = timeoutSeconds;
        this.out = out;
        this.err = err;
    }

    /**
     * The command line that starts this JVM again with other program arguments: the same executable, JVM options and
     * class path, read from the process's own command line (no java.management needed), up to {@code mainClass}.
     */
    public static List<String> thisJvm(String mainClass, List<String> programArguments) {
        List<String> line = new ArrayList<>();
        ProcessHandle.Info info = ProcessHandle.current().info();
        line.add(info.command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String[] arguments = info.arguments().orElse(new String[0]);
        int main = List.of(arguments).indexOf(mainClass);
        if (main >= 0) {
            line.addAll(List.of(arguments).subList(0, main));
        } else {
            line.add("--add-modules=jdk.incubator.vector");
            line.add("-cp");
            line.add(System.getProperty("java.class.path"));
        }
        line.add(mainClass);
        line.addAll(programArguments);
        return line;
    }

    /** Starts the workers, waits for all of them, and returns rank 0's exit code (or the first failing worker's). */
    public int run() throws IOException {
        Thread forwarder = new Thread(this::forwardSignal, "trainbench-forward-signal");
        Runtime.getRuntime().addShutdownHook(forwarder);
        List<Thread> pumps = new ArrayList<>();
        try {
            for (int rank = 0; rank < workers; rank++) {
                ProcessBuilder builder = new ProcessBuilder(command);
                Map<String, String> env = builder.environment();
                env.put(LaunchEnvironment.RANK, Integer.toString(rank));
                env.put(LaunchEnvironment.WORLD_SIZE, Integer.toString(workers));
                env.put(LaunchEnvironment.LOCAL_RANK, Integer.toString(rank));
                env.put(LaunchEnvironment.MASTER_ADDR, masterAddress);
                env.put(LaunchEnvironment.MASTER_PORT, Integer.toString(masterPort));
                env.put(LaunchEnvironment.LAUNCHER_PID, Long.toString(ProcessHandle.current().pid()));
                Process process = builder.start();
                synchronized (processes) {
                    processes.add(process);
                }
                String prefix = rank == 0 ? "" : "[rank " + rank + "] ";
                pumps.add(pump(process.getInputStream(), out, prefix));
                pumps.add(pump(process.getErrorStream(), err, prefix));
            }
            int[] codes = waitForAll();
            for (Thread pump : pumps) {
                pump.join(TimeUnit.SECONDS.toMillis(5));
            }
            int failed = -1;
            for (int rank = 0; rank < workers; rank++) {
                if (codes[rank] != 0 && failed < 0) {
                    failed = rank;
                }
            }
            if (failed < 0) {
                return 0;
            }
            List<String> summary = new ArrayList<>();
            for (int rank = 0; rank < workers; rank++) {
                summary.add("rank " + rank + " " + describe(codes[rank]));
            }
            err.println("trainbench train --workers " + workers + ": " + String.join(", ", summary));
            err.flush();
            return codes[0] != 0 ? codes[0] : codes[failed];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(forwarder);
            } catch (IllegalStateException e) {
                // shutting down: the hook is forwarding the signal
            }
        }
    }

    /** Waits until every worker has exited; once one fails, the rest get the timeout (plus a margin) before they are stopped. */
    private int[] waitForAll() throws InterruptedException {
        int[] codes = new int[workers];
        long failedAt = -1;
        while (true) {
            boolean running = false;
            for (int rank = 0; rank < workers; rank++) {
                Process p = processes.get(rank);
                if (p.isAlive()) {
                    running = true;
                } else {
                    codes[rank] = p.exitValue();
                    if (codes[rank] != 0 && failedAt < 0) {
                        failedAt = System.nanoTime();
                    }
                }
            }
            if (!running) {
                return codes;
            }
            if (failedAt >= 0 && System.nanoTime() - failedAt > (long) ((timeoutSeconds + 2) * 1e9)) {
                for (Process p : processes) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                }
                for (Process p : processes) {
                    p.waitFor();
                }
                for (int rank = 0; rank < workers; rank++) {
                    codes[rank] = processes.get(rank).exitValue();
                }
                return codes;
            }
            Thread.sleep(50);
        }
    }

    private static String describe(int code) {
        return switch (code) {
            case 0 -> "finished";
            case 137 -> "was killed (exit code 137, SIGKILL)";
            case 143 -> "was terminated (exit code 143, SIGTERM)";
            default -> "exited with code " + code;
        };
    }

    /** SIGINT/SIGTERM to the launcher: the same to every worker, then wait for their checkpoint. */
    private void forwardSignal() {
        List<Process> all;
        synchronized (processes) {
            all = List.copyOf(processes);
        }
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SIGNAL_GRACE_SECONDS);
        for (Process p : all) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    /** No worker outlives the group: terminate what still runs, then kill it. */
    private void stopAll() {
        List<Process> all;
        synchronized (processes) {
            all = List.copyOf(processes);
        }
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread pump(InputStream stream, PrintWriter target, String prefix) {
        return Thread.ofPlatform().daemon().name("trainbench-worker-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (target) {
                        target.println(prefix + line);
                        target.flush();
                    }
                }
            } catch (IOException e) {
                // the worker is gone; its exit code tells the rest
            }
        });
    }
}
