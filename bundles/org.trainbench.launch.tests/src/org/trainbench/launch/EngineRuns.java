package org.trainbench.launch;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.TextConsole;

/** What the tests that launch the real engine share: the demo config to launch, and what the engine printed. */
final class EngineRuns {
    private EngineRuns() {
    }

    /**
     * Writes {@code config}: examples/demo/demo.yaml on the demo dataset in {@code data} (written by the engine's own
     * writer unless it is there already), its run going to {@code experimentDir}.
     */
    static Path demoConfig(Path data, Path config, String experimentDir) throws Exception {
        if (!Files.exists(data.resolve(DemoDataset.TRAINING_CONFIG))) {
            DemoDataset.write(data);
        }
        String demo = Files.readString(Path.of(System.getProperty("trainbench.repository", "."), "examples/demo/demo.yaml"));
        Files.createDirectories(config.toAbsolutePath().getParent());
        return Files.writeString(config, ExperimentDirectoryKey.write(demo.replace("path: data/", "path: " + data + "/"),
                experimentDir));
    }

    /**
     * What the engine printed, as its Console shows it (the console takes the stream monitors' buffered text; the
     * monitors alone miss what was printed before a listener connects).
     */
    static String consoleText(IProcess process) {
        IConsole console = DebugUITools.getConsole(process);
        return console instanceof TextConsole text ? text.getDocument().get() : "(no console yet)";
    }
}
