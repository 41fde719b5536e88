package org.trainbench.launch;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.model.RuntimeProcess;

/**
 * An engine JVM as the Debug framework sees it, with a Terminate that lets the run save its work.
 *
 * <p>debug.core's own Terminate sends SIGTERM, waits five seconds and then gives up and closes the process's
 * streams: too short for the checkpoint of a large model, and the console would lose the engine's last lines.
 * Here the first Terminate sends SIGTERM ({@link ProcessHandle#destroy()} on Linux and macOS), on which the engine's
 * shutdown hook stops the run after its current step and writes a checkpoint; it returns at once, so the IDE never
 * waits. If the engine has not ended after the configured stop timeout, it is killed. A second Terminate kills it
 * at once, for a user who does not want the checkpoint.
 */
public final class EngineProcess extends RuntimeProcess {

    /** Process attribute: seconds between SIGTERM and the forced kill. */
    public static final String ATTR_STOP_TIMEOUT_SECONDS = TrainingRunSettings.ATTR_STOP_TIMEOUT_SECONDS;
    /** Process attribute set to "true" once Terminate asked the engine to stop. */
    public static final String ATTR_STOP_REQUESTED = "org.trainbench.launch.stopRequested";
    /** Process attribute set to "true" when the engine had to be killed. */
    public static final String ATTR_KILLED = "org.trainbench.launch.killed";

    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final long stopTimeoutSeconds;

    public EngineProcess(ILaunch launch, Process process, String name, Map<String, String> attributes) {
        super(launch, process, name, attributes);
        this.stopTimeoutSeconds = stopTimeout(attributes);
    }

    private static long stopTimeout(Map<String, String> attributes) {
        String value = attributes == null ? null : attributes.get(ATTR_STOP_TIMEOUT_SECONDS);
        try {
            return value == null ? TrainingRunSettings.DEFAULT_STOP_TIMEOUT_SECONDS : Math.max(1, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return TrainingRunSettings.DEFAULT_STOP_TIMEOUT_SECONDS;
        }
    }

    @Override
    public void terminate() {
        Process process = getSystemProcess();
        if (process == null || !process.isAlive()) {
            return;
        }
        if (!stopRequested.compareAndSet(false, true)) {
            kill(process);
            return;
        }
        setAttribute(ATTR_STOP_REQUESTED, "true");
        // Through the ProcessHandle: Process.destroy() would also close our ends of the engine's stdout and stderr,
        // and the console would miss what the engine prints while it checkpoints and stops.
        process.toHandle().destroy();
        process.onExit().completeOnTimeout(process, stopTimeoutSeconds, TimeUnit.SECONDS).thenAccept(this::kill);
    }

    /** Whether Terminate has asked the engine to checkpoint and stop. */
    public boolean isStopRequested() {
        return stopRequested.get();
    }

    private void kill(Process process) {
        if (!process.isAlive()) {
            return;
        }
        setAttribute(ATTR_KILLED, "true");
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }
}
