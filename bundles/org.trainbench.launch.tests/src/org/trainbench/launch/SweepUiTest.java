package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.ui.SweepDialog;
import org.trainbench.testing.Screenshots;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.ui.experiments.RunSnapshot;
import org.trainbench.ui.views.CompareView;
import org.trainbench.ui.views.ExperimentsView;

/**
 * Sweep... and Duplicate with Changes... in the Experiments view's context menu, through the real dialog, launch
 * configurations and engine JVMs: a sweep of two learning rates runs two experiments one after another, listed and
 * compared as a group.
 */
class SweepUiTest {
    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration DIALOG_TIMEOUT = Duration.ofSeconds(20);
    /** Two steps of two sequences with two layers: a run of seconds. */
    private static final List<ConfigOverride> TINY_RUN = List.of(new ConfigOverride("training.train_iters", "2"),
            new ConfigOverride("training.logs.interval", "1"), new ConfigOverride("batch.batch_size", "2"),
            new ConfigOverride("batch.micro_batch_size", "2"), new ConfigOverride("training.evaluators.validation.interval", "2"),
            new ConfigOverride("training.evaluators.validation.evaluator.iterations", "1"),
            new ConfigOverride("training.checkpoint.interval", "2"), new ConfigOverride("model.base_model.transformer.num_layers", "2"));
    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");

    @TempDir
    Path temp;
    private Path source;
    private Rectangle previousBounds;

    @BeforeEach
    void aSourceRunWithItsLaunchConfiguration() throws Exception {
        source = temp.resolve("runs/demo");
        Path config = EngineRuns.demoConfig(temp.resolve("data"), temp.resolve("configs/demo.yaml"), source.toString());
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID).newInstance(null, "demo");
        TrainingRunSettings.forConfig(config.toString()).withOverrides(TINY_RUN).writeTo(copy);
        copy.doSave();
        Shell shell = shell();
        previousBounds = shell.getBounds();
        IWorkbenchPage page = page();
        page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        LiveRuns.get().addDirectory(source);
    }

    @AfterEach
    void removeRunsAndLaunchConfigurations() throws Exception {
        Workbench.stopAnswering();
        shell().setBounds(previousBounds);
        for (var follower : LiveRuns.get().catalog().followers()) {
            if (follower.directory().startsWith(temp)) {
                LiveRuns.get().remove(follower.directory());
            }
        }
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        Workbench.spinUntil("the engines to end", ENGINE_TIMEOUT, () -> List.of(manager.getLaunches()).stream().allMatch(l -> l.isTerminated()));
        for (ILaunchConfiguration c : manager.getLaunchConfigurations(manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID))) {
            c.delete();
        }
    }

    @Test
    void aSweepOfTwoLearningRatesRunsTwoExperimentsOneAfterAnotherShownAsAGroupInExperimentsAndCompare() throws Exception {
        ExperimentsView experiments = (ExperimentsView) page().showView(ExperimentsView.ID);
        Table table = experiments.viewer().getTable();
        select(experiments, source);

        List<String> preview = new ArrayList<>();
        Workbench.whenShellOpens(SweepDialog.SWEEP_TITLE, DIALOG_TIMEOUT, dialog -> {
            List<Text> texts = WidgetTree.visible(dialog, Text.class, t -> true);
            texts.get(0).setText("lr");
            texts.get(1).setText("optimizer.learning_rate.base = 1.0e-3, 3.0e-3");
            preview.add(Workbench.labels(dialog));
            Button oneAfterAnother = WidgetTree.visible(dialog, Button.class, b -> b.getText().equals("Launch one after another")).getFirst();
            assertTrue(oneAfterAnother.getSelection(), "one after another is the default");
            Workbench.press(dialog, "Create Runs");
        });
        assertTrue(experiments.sweepAction().isEnabled());
        experiments.sweepAction().run();
        assertTrue(preview.getFirst().contains("2 runs in " + temp.resolve("runs/lr") + ": base=1.0e-3, base=3.0e-3"), preview.getFirst());

        Path a = temp.resolve("runs/lr/base=1.0e-3");
        Path b = temp.resolve("runs/lr/base=3.0e-3");
        assertTrue(Files.isRegularFile(temp.resolve("runs/lr").resolve(RunDirectory.SWEEP)));
        Workbench.spinUntil(() -> "both runs of the sweep to finish; the view lists " + rows(table), ENGINE_TIMEOUT,
                () -> "finished".equals(status(table, "lr/base=1.0e-3")) && "finished".equals(status(table, "lr/base=3.0e-3")));

        // Each run its own directory, with the swept value and the source's overrides; the second started after the first ended.
        String resolvedA = Files.readString(a.resolve(RunDirectory.RESOLVED_CONFIG));
        assertTrue(resolvedA.contains("base: 0.001\n") && resolvedA.contains("train_iters: 2\n"), resolvedA);
        assertTrue(Files.readString(b.resolve(RunDirectory.RESOLVED_CONFIG)).contains("base: 0.003\n"));
        Instant aFinished = time(a, "\"event\":\"finished\"");
        Instant bStarted = time(b, "\"event\":\"started\"");
        assertTrue(!bStarted.isBefore(aFinished), "one after another: B started " + bStarted + ", A finished " + aFinished);

        assertEquals("lr", LiveRuns.get().catalog().group(a));
        assertEquals(List.of(a, b), LiveRuns.get().catalog().groupMembers("lr"));
        select(experiments, a);
        assertTrue(experiments.details().getText().contains("Sweep lr (sweep.yaml): 2 runs"), experiments.details().getText());
        assertTrue(experiments.compareGroupAction().isEnabled());
        experiments.compareGroupAction().run();
        CompareView compare = (CompareView) page().findView(CompareView.ID);
        assertTrue(compare.header().startsWith("Comparing sweep lr (2 runs): base=1.0e-3, base=3.0e-3"), compare.header());
        Table[] found = new Table[1];
        Workbench.spinUntil("the config diff of the sweep", Duration.ofSeconds(20), () -> {
            List<Table> tables = WidgetTree.visible(shell(), Table.class, t -> t.getColumnCount() == 3 && t.getColumn(0).getText().equals("Key"));
            found[0] = tables.isEmpty() ? null : tables.getFirst();
            return found[0] != null && found[0].getItemCount() > 0;
        });
        Table diff = found[0];
        assertEquals("lr/base=1.0e-3", diff.getColumn(1).getText(), "each column named as the run is listed");
        assertEquals("optimizer.learning_rate.base", diff.getItem(0).getText(0), "the swept key is the one real change");
        assertEquals("0.001", diff.getItem(0).getText(1));
        assertEquals("run.experiment_dir", diff.getItem(1).getText(0), "then the run-directory keys");

        Screenshots.fillScreen(shell());
        Workbench.spin(Duration.ofMillis(500));
        Screenshots.screen(shell().getDisplay(), "sweep.png");
    }

    @Test
    void duplicateWithChangesCreatesOneRunBesideTheSourceListedAsNotStarted() throws Exception {
        ExperimentsView experiments = (ExperimentsView) page().showView(ExperimentsView.ID);
        Table table = experiments.viewer().getTable();
        select(experiments, source);
        Workbench.whenShellOpens(SweepDialog.DUPLICATE_TITLE, DIALOG_TIMEOUT, dialog -> {
            List<Text> texts = WidgetTree.visible(dialog, Text.class, t -> true);
            assertEquals("demo-2", texts.get(0).getText(), "proposed beside the source");
            texts.get(0).setText("demo-lr");
            texts.get(1).setText("optimizer.learning_rate.bsae = 1e-4");
            String typo = Workbench.labels(dialog);
            assertTrue(typo.contains("did you mean `base`?"), typo);
            texts.get(1).setText("optimizer.learning_rate.base = 1e-4");
            Button createOnly = WidgetTree.visible(dialog, Button.class, b -> b.getText().startsWith("Create only")).getFirst();
            createOnly.setSelection(true);
            createOnly.notifyListeners(SWT.Selection, new Event());
            WidgetTree.visible(dialog, Button.class, b -> b.getText().equals("Launch now")).getFirst().setSelection(false);
            Workbench.press(dialog, "Create");
        });
        experiments.duplicateAction().run();
        Workbench.spinUntil(() -> "the duplicate listed as not started; the view lists " + rows(table), DIALOG_TIMEOUT,
                () -> "not started".equals(status(table, "demo-lr")));
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        List<ILaunchConfiguration> all = List.of(manager.getLaunchConfigurations(manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)));
        ILaunchConfiguration created = all.stream().filter(c -> c.getName().equals("demo-lr")).findFirst().orElseThrow();
        List<String> overrides = TrainingRunSettings.read(created).overrides().stream().map(ConfigOverride::toString).toList();
        assertEquals("optimizer.learning_rate.base=1e-4", overrides.get(overrides.size() - 2));
        assertEquals("run.experiment_dir=" + temp.resolve("runs/demo-lr"), overrides.getLast());
        assertTrue(overrides.contains("training.train_iters=2"), "the source's own overrides stay: " + overrides);
        assertEquals(null, LiveRuns.get().catalog().group(temp.resolve("runs/demo-lr")), "a duplicate is no group");
    }

    private static void select(ExperimentsView view, Path run) {
        Table table = view.viewer().getTable();
        Workbench.spinUntil(() -> run + " listed; the view lists " + rows(table), DIALOG_TIMEOUT,
                () -> view.viewer().getInput() instanceof List<?> rows && rows.stream().anyMatch(r -> ((RunSnapshot) r).directory().equals(run)));
        @SuppressWarnings("unchecked")
        List<RunSnapshot> rows = (List<RunSnapshot>) view.viewer().getInput();
        RunSnapshot row = rows.stream().filter(r -> r.directory().equals(run)).findFirst().orElseThrow();
        view.viewer().setSelection(new StructuredSelection(row), true);
    }

    private static String status(Table table, String name) {
        for (int i = 0; i < table.getItemCount(); i++) {
            if (table.getItem(i).getText(0).equals(name)) {
                return table.getItem(i).getText(1);
            }
        }
        return null;
    }

    private static String rows(Table table) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < table.getItemCount(); i++) {
            rows.add(table.getItem(i).getText(0) + " " + table.getItem(i).getText(1));
        }
        return rows.toString();
    }

    private static Instant time(Path run, String marker) throws Exception {
        for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
            Matcher m = TIME.matcher(line);
            if (line.contains(marker) && m.find()) {
                return Instant.parse(m.group(1));
            }
        }
        throw new AssertionError("no " + marker + " line in " + run.resolve(RunDirectory.METRICS));
    }

    private static IWorkbenchPage page() {
        return PlatformUI.getWorkbench().getWorkbenchWindows()[0].getActivePage();
    }

    private static Shell shell() {
        return PlatformUI.getWorkbench().getWorkbenchWindows()[0].getShell();
    }
}
