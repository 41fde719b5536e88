package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.ui.PlatformUI;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.jface.text.IDocument;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.ui.console.IConsoleDocumentPartitioner;
import org.eclipse.ui.console.TextConsole;
import org.eclipse.swt.widgets.Event;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.console.IConsoleConstants;
import org.eclipse.ui.console.IConsoleView;
import org.trainbench.testing.Screenshots;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.experiments.RunSnapshot;
import org.trainbench.ui.experiments.RunStatus;
import org.trainbench.ui.views.ChartsView;
import org.trainbench.ui.views.ExperimentsView;
import org.eclipse.ui.commands.ICommandService;
import org.eclipse.ui.handlers.IHandlerService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.ui.ResumeFromCheckpointHandler;
import org.trainbench.ui.views.CheckpointsView;

/**
 * Real launches: the engine CLI in its own JVM, started by the launch configuration type, followed through its
 * IProcess, its Console and its experiment directory. Trains the demo model (examples/demo/demo.yaml, 4 layers,
 * hidden 96) on its synthetic dataset for a few steps.
 */
class EngineLaunchTest {

    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(90);
    /** Steps of 2 sequences and a one-batch validation: the runs take seconds even on a busy 2-core machine. */
    private static final List<String> SMALL_STEPS = List.of("batch.batch_size=2", "batch.micro_batch_size=2",
            "training.evaluators.validation.evaluator.iterations=1");

    /** One folder for the class: the dataset is written once, each test runs into a folder of its own. */
    @TempDir
    static Path dir;
    private final List<ILaunch> launches = new ArrayList<>();

    @AfterEach
    void stopWhatIsStillRunning() throws Exception {
        for (ILaunch launch : launches) {
            for (IProcess process : launch.getProcesses()) {
                if (!process.isTerminated()) {
                    // The second Terminate kills: a failed test leaves no engine running.
                    process.terminate();
                    process.terminate();
                    Workbench.spinUntil("the engine to be killed", Duration.ofSeconds(20), process::isTerminated);
                }
            }
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }
    }

    private static ILaunchConfigurationWorkingCopy configuration(Path config, String... overrides) throws Exception {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                .newInstance(null, manager.generateLaunchConfigurationName(config.getFileName().toString()));
        TrainingRunSettings.forConfig(config.toString())
                .withOverrides(Stream.concat(SMALL_STEPS.stream(), Stream.of(overrides)).map(ConfigOverride::parse).toList())
                .writeTo(copy);
        return copy;
    }

    /** Launches the config with {@code overrides} after {@link #SMALL_STEPS}. */
    private ILaunch launch(Path config, String... overrides) throws Exception {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                .newInstance(null, config.getFileName().toString());
        TrainingRunSettings.forConfig(config.toString())
                .withOverrides(Stream.concat(SMALL_STEPS.stream(), Stream.of(overrides)).map(ConfigOverride::parse).toList())
                .writeTo(copy);
        ILaunch launch = copy.launch(ILaunchManager.RUN_MODE, new NullProgressMonitor());
        launches.add(launch);
        assertEquals(1, launch.getProcesses().length);
        return launch;
    }

    private static List<String> metricLines(Path experiment, String fragment) throws IOException {
        Path metrics = experiment.resolve("metrics.jsonl");
        if (!Files.exists(metrics)) {
            return List.of();
        }
        return Files.readAllLines(metrics).stream().filter(line -> line.contains(fragment)).toList();
    }

    private static int countLines(Path experiment, String fragment) {
        try {
            return metricLines(experiment, fragment).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Waits until the console shows {@code text}; the console appends on the UI thread, shortly after the process wrote. */
    private static void awaitOutput(IProcess process, String text) {
        Workbench.spinUntil(() -> "the console to show '" + text + "'; it shows:\n" + EngineRuns.consoleText(process),
                Duration.ofSeconds(10), () -> EngineRuns.consoleText(process).contains(text));
    }

    @Test
    void aTinyRunTrainsInItsOwnJvmWritesItsMetricsAndEndsWithExitCodeZero() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("tiny.yaml"), dir.resolve("tiny").toString());
        ILaunch launch = launch(config, "training.train_iters=3", "training.logs.interval=1");
        IProcess process = launch.getProcesses()[0];
        assertInstanceOf(EngineProcess.class, process);
        assertEquals(dir.resolve("tiny").toString(), launch.getAttribute(TrainingRunDelegate.ATTR_EXPERIMENT_DIR));

        Workbench.spinUntil("the engine to finish 3 steps", ENGINE_TIMEOUT, process::isTerminated);

        assertEquals(0, process.getExitValue(), EngineRuns.consoleText(process));
        Path experiment = dir.resolve("tiny");
        assertEquals(3, metricLines(experiment, "\"type\":\"train\"").size());
        assertEquals(1, metricLines(experiment, "\"event\":\"finished\"").size());
        awaitOutput(process, "finished at step 3");
    }

    @Test
    void aCpuRunOfTwoWorkersIsOneProcessOfTheLaunchAndOneRun() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("workers.yaml"), dir.resolve("workers").toString());
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                .newInstance(null, "workers.yaml");
        TrainingRunSettings.forConfig(config.toString())
                .withOverrides(Stream.concat(SMALL_STEPS.stream(), Stream.of("batch.batch_size=4", "training.train_iters=3",
                        "training.logs.interval=1")).map(ConfigOverride::parse).toList())
                .withWorkers(2).writeTo(copy);
        ILaunch launch = copy.launch(ILaunchManager.RUN_MODE, new NullProgressMonitor());
        launches.add(launch);
        assertEquals(1, launch.getProcesses().length, "the launcher is the launch's one process; it starts the workers");
        IProcess process = launch.getProcesses()[0];

        Workbench.spinUntil("2 workers to finish 3 steps", ENGINE_TIMEOUT, process::isTerminated);

        assertEquals(0, process.getExitValue(), EngineRuns.consoleText(process));
        Path experiment = dir.resolve("workers");
        List<String> started = metricLines(experiment, "\"event\":\"started\"");
        assertEquals(1, started.size(), "one run, written by rank 0");
        assertTrue(started.get(0).contains("\"workers\":2"), started.get(0));
        assertEquals(3, metricLines(experiment, "\"type\":\"train\"").size());
        awaitOutput(process, "rank 0 of 2 workers");
    }

    @Test
    void terminateAsksTheEngineToCheckpointAndStopInsteadOfKillingIt() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("long.yaml"), dir.resolve("long").toString());
        Path experiment = dir.resolve("long");
        ILaunch launch = launch(config, "training.train_iters=100000", "training.logs.interval=1",
                "training.checkpoint.interval=100000", "training.evaluators.validation.interval=100000");
        EngineProcess process = (EngineProcess) launch.getProcesses()[0];
        Workbench.spinUntil("the run's first steps in metrics.jsonl", ENGINE_TIMEOUT,
                () -> countLines(experiment, "\"type\":\"train\"") >= 1 || process.isTerminated());
        assertFalse(process.isTerminated(), () -> "the engine ended on its own:\n" + EngineRuns.consoleText(process));

        process.terminate();
        assertTrue(process.isStopRequested());
        Workbench.spinUntil("the engine to stop", ENGINE_TIMEOUT, process::isTerminated);

        assertNull(process.getAttribute(EngineProcess.ATTR_KILLED), "the engine was killed: " + EngineRuns.consoleText(process));
        List<String> stopped = metricLines(experiment, "\"event\":\"stopped\"");
        assertEquals(1, stopped.size(), EngineRuns.consoleText(process));
        String step = stopped.get(0).replaceAll(".*\"step\":(\\d+).*", "$1");
        assertTrue(Files.isDirectory(experiment.resolve("checkpoints/step-" + step)),
                "no checkpoint of step " + step + " in " + experiment);
        awaitOutput(process, "stopped at step " + step);
        // The JVM ends with the status of the signal it received (128 + SIGTERM), after its shutdown hook has
        // waited for the checkpoint.
        assertEquals(143, process.getExitValue(), EngineRuns.consoleText(process));
    }

    @Test
    void aSecondTerminateKillsTheEngineAtOnce() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("killed.yaml"), dir.resolve("killed").toString());
        ILaunch launch = launch(config, "training.train_iters=100000", "training.logs.interval=1");
        EngineProcess process = (EngineProcess) launch.getProcesses()[0];
        // Once it trains: a JVM that is still starting has no SIGTERM handler yet and would end on the first signal.
        Workbench.spinUntil("the run's first step", ENGINE_TIMEOUT,
                () -> countLines(dir.resolve("killed"), "\"type\":\"train\"") >= 1 || process.isTerminated());

        process.terminate();
        process.terminate();
        Workbench.spinUntil("the engine to be killed", Duration.ofSeconds(20), process::isTerminated);

        assertEquals("true", process.getAttribute(EngineProcess.ATTR_KILLED));
        assertEquals(137, process.getExitValue(), EngineRuns.consoleText(process));
    }

    /** The workbench page, in the Trainbench perspective (where the Console has its place below Experiments). */
    private static IWorkbenchPage page() {
        IWorkbenchPage page = PlatformUI.getWorkbench().getWorkbenchWindows()[0].getActivePage();
        if (!TrainbenchPerspective.ID.equals(page.getPerspective().getId())) {
            page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        }
        return page;
    }

    /** Whether the Console view is visible and shows this process's console. */
    private static boolean consoleShows(IProcess process) {
        IViewPart view = page().findView(IConsoleConstants.ID_CONSOLE_VIEW);
        return view instanceof IConsoleView console && page().isPartVisible(view) && DebugUITools.getConsole(process) != null
                && console.getConsole() == DebugUITools.getConsole(process);
    }

    /** The colour the Console draws the start of TEXT with, null for the default (standard output's). */
    private static RGB colourOf(IProcess process, String text) {
        TextConsole console = (TextConsole) DebugUITools.getConsole(process);
        IDocument document = console.getDocument();
        int offset = document.get().indexOf(text);
        StyleRange[] ranges = ((IConsoleDocumentPartitioner) document.getDocumentPartitioner()).getStyleRanges(offset, 1);
        return ranges.length == 0 || ranges[0].foreground == null ? null : ranges[0].foreground.getRGB();
    }

    private static List<Path> selectedInExperiments() {
        ExperimentsView view = (ExperimentsView) page().findView(ExperimentsView.ID);
        return view == null ? List.of() : view.viewer().getStructuredSelection().stream().map(e -> ((RunSnapshot) e).directory()).toList();
    }

    @Test
    void aLaunchBringsItsConsoleForwardAndSelectsItsRunInExperimentsAndCharts() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("shown.yaml"), dir.resolve("shown").toString());
        Path experiment = dir.resolve("shown");
        page().resetPerspective();
        ILaunch launch = launch(config, "training.train_iters=3", "training.logs.interval=1");
        IProcess process = launch.getProcesses()[0];

        Workbench.spinUntil("the run's Console in front", Duration.ofSeconds(30), () -> consoleShows(process));
        Workbench.spinUntil(() -> "the run selected in Experiments; selected: " + selectedInExperiments(), Duration.ofSeconds(30),
                () -> selectedInExperiments().equals(List.of(experiment)));
        ChartsView charts = (ChartsView) page().findView(ChartsView.ID);
        assertEquals(experiment, charts.run());
        assertTrue(page().isPartVisible(charts), "the charts stay visible beside the Console");
        Workbench.spinUntil("the engine to finish", ENGINE_TIMEOUT, process::isTerminated);
        assertEquals(0, process.getExitValue(), EngineRuns.consoleText(process));
        Workbench.spinUntil("the charts header to show the finished run", Duration.ofSeconds(10),
                () -> charts.headline().contains("finished"));
        awaitOutput(process, "step 3/3");
        RGB progress = colourOf(process, "step 3/3");
        assertFalse(progress != null && progress.red > 150 && progress.green < 100, "progress is not drawn red like errors: " + progress);
        Workbench.spin(Duration.ofMillis(500));
        org.eclipse.swt.graphics.Rectangle before = Screenshots.fillScreen(page().getWorkbenchWindow().getShell());
        Workbench.spin(Duration.ofMillis(500));
        Screenshots.save(page().getWorkbenchWindow().getShell(), "launch-brings-run-forward.png");
        page().getWorkbenchWindow().getShell().setBounds(before);
    }

    @Test
    void aLaunchThatFailsAtOnceShowsTheEngineMessageInTheConsoleInFrontAndFailsItsRow() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("broken.yaml"), dir.resolve("broken").toString());
        Path experiment = dir.resolve("broken");
        AtomicBoolean asked = Workbench.whenShellOpens(TrainingRunDelegate.ERRORS_QUESTION_TITLE, Duration.ofSeconds(30),
                shell -> Workbench.press(shell, "Launch Anyway"));
        ILaunch launch = launch(config, "batch.micro_batch_size=-2");
        assertTrue(asked.get(), "a config with errors is launched only after asking");
        Workbench.stopAnswering();
        IProcess process = launch.getProcesses()[0];
        Workbench.spinUntil("the engine to refuse the config", ENGINE_TIMEOUT, process::isTerminated);
        assertEquals(1, process.getExitValue(), EngineRuns.consoleText(process));
        Workbench.spinUntil("the Console in front", Duration.ofSeconds(30), () -> consoleShows(process));
        awaitOutput(process, "micro_batch_size");
        Workbench.spinUntil(() -> "the run's row to fail; rows: " + LiveRuns.get().snapshots(), Duration.ofSeconds(30),
                () -> LiveRuns.get().snapshots().stream().anyMatch(s -> s.directory().equals(experiment)
                        && s.status() == RunStatus.FAILED && s.detail().contains("Console")));

        // The engine's file:line:column is a link in the Console that opens the config at that place.
        String text = EngineRuns.consoleText(process);
        java.util.regex.Matcher at = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(config.toString()) + ":(\\d+):(\\d+): error: ")
                .matcher(text);
        assertTrue(at.find(), text);
        int line = Integer.parseInt(at.group(1));
        TextConsole console = (TextConsole) DebugUITools.getConsole(process);
        Workbench.spinUntil("a link on " + config + ":" + line, Duration.ofSeconds(10), () -> console.getHyperlinks().length > 0);
        org.eclipse.ui.console.IHyperlink link = console.getHyperlinks()[0];
        org.eclipse.jface.text.IRegion region = console.getRegion(link);
        assertEquals(config + ":" + line + ":" + at.group(2), console.getDocument().get(region.getOffset(), region.getLength()));
        link.linkActivated();
        Workbench.spinUntil("the config open in an editor", Duration.ofSeconds(10), () -> page().getActiveEditor() != null
                && page().getActiveEditor().getEditorInput().getName().equals(config.getFileName().toString()));
        org.eclipse.ui.texteditor.ITextEditor editor = page().getActiveEditor().getAdapter(org.eclipse.ui.texteditor.ITextEditor.class);
        org.eclipse.jface.text.ITextSelection selection = (org.eclipse.jface.text.ITextSelection) editor.getSelectionProvider().getSelection();
        assertEquals(line, selection.getStartLine() + 1, "the caret on the line the engine named");
        org.eclipse.jface.text.IDocument document = editor.getDocumentProvider().getDocument(editor.getEditorInput());
        assertEquals(Integer.parseInt(at.group(2)) - 1, selection.getOffset() - document.getLineOffset(line - 1), "and at its column");
        page().closeAllEditors(false);
    }

    @Test
    void launchingAConfigWithErrorsAsksFirstNamingFileLineAndColumnAndCancelStartsNothing() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("asked.yaml"), dir.resolve("asked").toString());
        String[] question = new String[1];
        AtomicBoolean asked = Workbench.whenShellOpens(TrainingRunDelegate.ERRORS_QUESTION_TITLE, Duration.ofSeconds(30), shell -> {
            question[0] = Workbench.labels(shell);
            try {
                Workbench.saveScreenshot(shell, "launch-config-errors.png");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Workbench.press(shell, "Cancel");
        });
        ILaunchConfigurationWorkingCopy copy = configuration(config, "batch.micro_batch_size=-2");
        ILaunch launch = copy.launch(ILaunchManager.RUN_MODE, new NullProgressMonitor());
        Workbench.stopAnswering();
        assertTrue(asked.get(), "asked before launching");
        assertTrue(launch == null || launch.getProcesses().length == 0, "Cancel starts no engine");
        assertTrue(question[0].contains(config + ":") && question[0].contains(": error: ") && question[0].contains("micro_batch_size"),
                question[0]);
        assertFalse(Files.exists(dir.resolve("asked")));
    }

    @Test
    void stopInTheExperimentsMenuAndTheChartsHeaderCheckpointsAndStopsARunLaunchedHere() throws Exception {
        for (String where : List.of("experiments", "charts")) {
            Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("stop-" + where + ".yaml"),
                    dir.resolve("stop-" + where).toString());
            Path experiment = dir.resolve("stop-" + where);
            ILaunch launch = launch(config, "training.train_iters=100000", "training.logs.interval=1",
                    "training.checkpoint.interval=100000", "training.evaluators.validation.interval=100000");
            EngineProcess process = (EngineProcess) launch.getProcesses()[0];
            Workbench.spinUntil("the run's first step", ENGINE_TIMEOUT,
                    () -> countLines(experiment, "\"type\":\"train\"") >= 1 || process.isTerminated());
            assertFalse(process.isTerminated(), () -> "the engine ended on its own:\n" + EngineRuns.consoleText(process));
            ExperimentsView experiments = (ExperimentsView) page().findView(ExperimentsView.ID);
            ChartsView charts = (ChartsView) page().findView(ChartsView.ID);
            Workbench.spinUntil("Stop to be offered for the selected running run", Duration.ofSeconds(30),
                    () -> selectedInExperiments().equals(List.of(experiment)) && experiments.stopAction().isEnabled()
                            && experiment.equals(charts.run()) && charts.stopButton().isEnabled());
            if (where.equals("experiments")) {
                experiments.stopAction().run();
            } else {
                charts.stopButton().notifyListeners(SWT.Selection, new Event());
            }
            assertTrue(process.isStopRequested(), "Stop is the launch's checkpointing Terminate");
            Workbench.spinUntil("the engine to stop", ENGINE_TIMEOUT, process::isTerminated);
            assertNull(process.getAttribute(EngineProcess.ATTR_KILLED), EngineRuns.consoleText(process));
            assertEquals(143, process.getExitValue(), EngineRuns.consoleText(process));
            List<String> stopped = metricLines(experiment, "\"event\":\"stopped\"");
            assertEquals(1, stopped.size(), EngineRuns.consoleText(process));
            String step = stopped.get(0).replaceAll(".*\"step\":(\\d+).*", "$1");
            assertTrue(Files.isDirectory(experiment.resolve("checkpoints/step-" + step)), "no checkpoint of step " + step);
            Workbench.spinUntil("Stop to be offered no more", Duration.ofSeconds(10),
                    () -> !experiments.stopAction().isEnabled() && !charts.stopButton().isEnabled());
        }
    }

    @Test
    void resumeTrainingStartsTheLaunchThatWritesIntoTheRunAndTheEngineContinuesFromItsCheckpoint() throws Exception {
        Path config = EngineRuns.demoConfig(dir.resolve("data"), dir.resolve("resumed.yaml"), dir.resolve("resumed").toString());
        Path experiment = dir.resolve("resumed");
        ILaunchConfiguration saved = configuration(config, "training.train_iters=2", "training.logs.interval=1").doSave();
        try {
            ILaunch first = saved.launch(ILaunchManager.RUN_MODE, new NullProgressMonitor());
            launches.add(first);
            Workbench.spinUntil("the first two steps", ENGINE_TIMEOUT, first::isTerminated);
            assertEquals(0, first.getProcesses()[0].getExitValue(), EngineRuns.consoleText(first.getProcesses()[0]));
            ILaunchConfigurationWorkingCopy longer = saved.getWorkingCopy();
            longer.setAttribute(TrainingRunSettings.ATTR_OVERRIDES, Stream.concat(SMALL_STEPS.stream(),
                    Stream.of("training.train_iters=4", "training.logs.interval=1")).toList());
            saved = longer.doSave();

            ICommandService commands = PlatformUI.getWorkbench().getService(ICommandService.class);
            IHandlerService handlers = PlatformUI.getWorkbench().getService(IHandlerService.class);
            handlers.executeCommand(ParameterizedCommand.generateCommand(commands.getCommand(CheckpointsView.RESUME_COMMAND),
                    Map.of(CheckpointsView.EXPERIMENT_DIR_PARAMETER, experiment.toString(),
                            CheckpointsView.CHECKPOINT_PARAMETER, experiment.resolve("checkpoints/step-2").toString())), null);

            ILaunchConfiguration resumedConfiguration = saved;
            Workbench.spinUntil("the resumed run to finish", ENGINE_TIMEOUT, () -> Stream.of(
                    DebugPlugin.getDefault().getLaunchManager().getLaunches()).anyMatch(launch -> launch != first
                            && resumedConfiguration.equals(launch.getLaunchConfiguration()) && launch.isTerminated()));
            for (ILaunch launch : DebugPlugin.getDefault().getLaunchManager().getLaunches()) {
                if (launch != first && resumedConfiguration.equals(launch.getLaunchConfiguration())) {
                    launches.add(launch);
                    assertEquals(0, launch.getProcesses()[0].getExitValue(), EngineRuns.consoleText(launch.getProcesses()[0]));
                }
            }
            List<String> steps = metricLines(experiment, "\"type\":\"train\"").stream()
                    .map(line -> line.replaceAll(".*\"step\":(\\d+).*", "$1")).toList();
            assertEquals(List.of("1", "2", "3", "4"), steps);
        } finally {
            saved.delete();
        }
    }

    @Test
    void resumingFromACheckpointOlderThanTheNewestIsRefusedWithTheReason() throws Exception {
        Path run = Files.createDirectories(dir.resolve("two-checkpoints"));
        Files.createDirectories(run.resolve("checkpoints/step-100"));
        Files.createDirectories(run.resolve("checkpoints/step-200"));

        ResumeFromCheckpointHandler.Decision decision = ResumeFromCheckpointHandler.decide(run,
                run.resolve("checkpoints/step-100"));

        assertNull(decision.configuration());
        assertEquals("The engine continues a run from the newest checkpoint of its directory, here step-200, not from "
                + "step-100. To continue from step-100, delete the newer checkpoints first (Delete... in this view), "
                + "then resume.", decision.message());
    }
}
