package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.Launch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineProcessTest {

    @TempDir
    Path dir;

    @Test
    void aProcessThatIgnoresTheStopRequestIsKilledOnceTheStopTimeoutHasPassed() throws Exception {
        // The shell says when its trap is set: a SIGTERM that arrives before that (a loaded machine is slow to start
        // a shell) would stop it, and the test would see a process that did not ignore the request.
        Process stubborn = DebugPlugin.exec(new String[] {"/bin/sh", "-c", "trap '' TERM; touch trap-set; while true; do sleep 0.1; done"},
                dir.toFile());
        Workbench.spinUntil("the shell to set its SIGTERM trap", Duration.ofSeconds(15), () -> Files.exists(dir.resolve("trap-set")));
        EngineProcess process = new EngineProcess(new Launch(null, ILaunchManager.RUN_MODE, null), stubborn, "stubborn",
                Map.of(EngineProcess.ATTR_STOP_TIMEOUT_SECONDS, "1"));
        long start = System.nanoTime();

        process.terminate();
        Thread.sleep(500);
        assertFalse(process.isTerminated(), "the process should still be running: it ignores SIGTERM");
        Workbench.spinUntil("the kill after the stop timeout", Duration.ofSeconds(15), process::isTerminated);

        assertTrue(System.nanoTime() - start >= 1_000_000_000L);
        assertEquals("true", process.getAttribute(EngineProcess.ATTR_STOP_REQUESTED));
        assertEquals("true", process.getAttribute(EngineProcess.ATTR_KILLED));
        assertEquals(137, process.getExitValue());
    }
}
