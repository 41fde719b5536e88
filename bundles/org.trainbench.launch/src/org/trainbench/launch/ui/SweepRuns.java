package org.trainbench.launch.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.ILaunchesListener2;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.swt.widgets.Display;
import org.trainbench.launch.Sweep;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.ui.LiveRuns;
import org.trainbench.engine.run.RunDirectory;

/**
 * Makes the runs of a {@link Sweep} (or a duplicate) of a run: their launch configurations, from the source run's
 * own, and their folder with {@value RunDirectory#SWEEP}; lists them as not started and launches them together or
 * one after another (the next when the previous launch ends, whatever its outcome).
 */
public final class SweepRuns {

    /** How the runs start. */
    public enum Start {
        ONE_AFTER_ANOTHER("Launch one after another"), TOGETHER("Launch together"), NOT_NOW("Create only (launch them later)");

        public final String label;

        Start(String label) {
            this.label = label;
        }
    }

    private SweepRuns() {
    }

    /**
     * The launch settings a run was started with: those of the launch configuration writing into its directory, else
     * (a run started from the CLI) the engine's defaults on the run's config.resolved.yaml.
     */
    public static TrainingRunSettings sourceOf(Path runDirectory) throws CoreException {
        List<ILaunchConfiguration> configurations = ResumeFromCheckpointHandler.configurationsWritingInto(runDirectory);
        if (!configurations.isEmpty()) {
            return TrainingRunSettings.read(configurations.getFirst());
        }
        Path resolved = runDirectory.resolve(RunDirectory.RESOLVED_CONFIG);
        if (Files.isRegularFile(resolved)) {
            return TrainingRunSettings.forConfig(resolved.toString());
        }
        throw new CoreException(Status.error("No launch configuration writes into " + runDirectory + " and it holds no "
                + RunDirectory.RESOLVED_CONFIG + ": run it once (Run As > Trainbench Training Run), then duplicate or sweep it"));
    }

    /**
     * Writes the sweep's folder and record (not for a duplicate) and saves one launch configuration per point; the
     * runs are listed at once, as not started.
     *
     * @param source the run the sweep starts from; the runs go beside it
     */
    public static List<ILaunchConfiguration> create(Sweep sweep, Path source, TrainingRunSettings settings) throws CoreException {
        Path parent = source.toAbsolutePath().normalize().getParent();
        if (!sweep.isDuplicate()) {
            try {
                Files.createDirectories(sweep.folder(parent));
                Files.writeString(sweep.folder(parent).resolve(RunDirectory.SWEEP), sweep.record(source), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CoreException(Status.error("Could not write " + sweep.folder(parent).resolve(RunDirectory.SWEEP) + ": "
                        + e.getMessage(), e));
            }
        }
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        List<ILaunchConfiguration> created = new ArrayList<>();
        for (Sweep.Point point : sweep.points()) {
            String name = sweep.isDuplicate() ? sweep.name() : sweep.name() + " " + point.name();
            ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                    .newInstance(null, manager.generateLaunchConfigurationName(name));
            sweep.settings(settings, parent, point).writeTo(copy);
            created.add(copy.doSave());
            LiveRuns.get().addDirectory(sweep.directory(parent, point));
        }
        return created;
    }

    /** Starts the runs as chosen; call on the UI thread. */
    public static void launch(List<ILaunchConfiguration> configurations, Start start) {
        switch (start) {
            case TOGETHER -> configurations.forEach(c -> DebugUITools.launch(c, ILaunchManager.RUN_MODE));
            case ONE_AFTER_ANOTHER -> new Sequence(configurations, Display.getCurrent()).next();
            case NOT_NOW -> {
            }
        }
    }

    /** Launches the next configuration once the launch of the previous one has ended or was removed (cancelled, failed). */
    private static final class Sequence implements ILaunchesListener2 {
        private final Deque<ILaunchConfiguration> waiting;
        private final Display display;
        private ILaunchConfiguration current;
        private ILaunch launch;

        Sequence(List<ILaunchConfiguration> configurations, Display display) {
            this.waiting = new ArrayDeque<>(configurations);
            this.display = display;
            DebugPlugin.getDefault().getLaunchManager().addLaunchListener(this);
        }

        synchronized void next() {
            current = waiting.poll();
            launch = null;
            if (current == null) {
                DebugPlugin.getDefault().getLaunchManager().removeLaunchListener(this);
                return;
            }
            ILaunchConfiguration starting = current;
            display.asyncExec(() -> DebugUITools.launch(starting, ILaunchManager.RUN_MODE));
        }

        @Override
        public synchronized void launchesAdded(ILaunch[] launches) {
            for (ILaunch added : launches) {
                if (launch == null && current != null && current.equals(added.getLaunchConfiguration())) {
                    launch = added;
                }
            }
        }

        @Override
        public void launchesTerminated(ILaunch[] launches) {
            ended(launches);
        }

        @Override
        public void launchesRemoved(ILaunch[] launches) {
            ended(launches);
        }

        @Override
        public void launchesChanged(ILaunch[] launches) {
        }

        private void ended(ILaunch[] launches) {
            boolean ours;
            synchronized (this) {
                ours = launch != null && List.of(launches).contains(launch);
                if (ours) {
                    launch = null;
                }
            }
            if (ours) {
                next();
            }
        }
    }
}
