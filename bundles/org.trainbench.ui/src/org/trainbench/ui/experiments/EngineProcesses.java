package org.trainbench.ui.experiments;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.trainbench.engine.run.MetricsRecord;

/**
 * Engine processes the workbench knows by experiment directory: those it launched itself (the launch bundle
 * registers them) and, for any run, the process named by the {@code pid} and {@code host} fields of its
 * {@code started} event when the engine writes them. A run whose process is gone without a terminal event failed.
 */
public final class EngineProcesses {
    private static final String LOCAL_HOST = localHost();

    private final Map<Path, ProcessHandle> launched = new ConcurrentHashMap<>();
    private final Map<Path, Runnable> stops = new ConcurrentHashMap<>();

    /** Remembers the process that trains in {@code experimentDir} (called by whoever spawned it). */
    public void register(Path experimentDir, ProcessHandle process) {
        register(experimentDir, process, null);
    }

    /**
     * As {@link #register(Path, ProcessHandle)}, with the spawner's way to ask the engine to checkpoint and stop
     * (the launch's Terminate, which also kills after the stop timeout), or null for SIGTERM.
     */
    public void register(Path experimentDir, ProcessHandle process, Runnable stop) {
        Path key = experimentDir.toAbsolutePath().normalize();
        launched.put(key, process);
        if (stop != null) {
            stops.put(key, stop);
        } else {
            stops.remove(key);
        }
    }

    public void forget(Path experimentDir) {
        launched.remove(experimentDir.toAbsolutePath().normalize());
        stops.remove(experimentDir.toAbsolutePath().normalize());
    }

    /**
     * How to ask the engine of this run to checkpoint and stop, when its process is alive and known: the launcher's
     * stop for a run launched here, else SIGTERM to the process named by the started event (a run started from the
     * command line on this machine), on which the engine's shutdown hook writes a checkpoint. Empty otherwise.
     */
    public Optional<Runnable> stop(Path experimentDir, MetricsRecord.Started started) {
        Path key = experimentDir.toAbsolutePath().normalize();
        ProcessHandle handle = launched.get(key);
        if (handle != null) {
            if (!handle.isAlive()) {
                return Optional.empty();
            }
            Runnable stop = stops.get(key);
            return Optional.of(stop != null ? stop : handle::destroy);
        }
        if (isAlive(experimentDir, started).orElse(false) && started.pid() != null) {
            return ProcessHandle.of(started.pid()).map(process -> (Runnable) process::destroy);
        }
        return Optional.empty();
    }

    /**
     * Whether the engine process of this run is alive: empty when that cannot be known (no registered process and
     * no pid of this machine in the started event).
     */
    public Optional<Boolean> isAlive(Path experimentDir, MetricsRecord.Started started) {
        ProcessHandle handle = launched.get(experimentDir.toAbsolutePath().normalize());
        if (handle != null) {
            return Optional.of(handle.isAlive());
        }
        if (started == null || started.pid() == null) {
            return Optional.empty();
        }
        String host = started.host();
        if (host == null || !host.equals(LOCAL_HOST)) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(started.pid());
        if (process.isEmpty() || !process.get().isAlive()) {
            return Optional.of(false);
        }
        // A pid is reused once its process is gone: a process younger than the run is another one.
        Optional<java.time.Instant> startedAt = process.get().info().startInstant();
        if (startedAt.isPresent() && started.time() != null && startedAt.get().isAfter(started.time().plusSeconds(5))) {
            return Optional.of(false);
        }
        return Optional.of(true);
    }

    private static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
