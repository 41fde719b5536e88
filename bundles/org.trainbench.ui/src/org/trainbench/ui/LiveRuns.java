package org.trainbench.ui;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.swt.widgets.Display;
import org.trainbench.ui.experiments.EngineProcesses;
import org.trainbench.ui.experiments.ExperimentCatalog;
import org.trainbench.ui.experiments.RunFollower;
import org.trainbench.ui.experiments.RunSnapshot;

/**
 * The runs the workbench follows, and the background job that keeps them current: every
 * {@value #REFRESH_MILLIS} ms, while any view listens, it reads what the engines appended (file I/O off the UI
 * thread) and hands the new snapshots to the listeners on the UI thread.
 *
 * <p>Launchers call {@link #follow(Path, ProcessHandle)} for a run they start, so that its row appears at once and a
 * killed engine shows as failed without waiting for the silence rule.
 */
public final class LiveRuns {
    public static final long REFRESH_MILLIS = 500;
    /** Preference keys (instance scope, node {@value #PREFERENCE_NODE}); paths joined with the path separator. */
    public static final String PREFERENCE_NODE = "org.trainbench.ui";
    public static final String ROOTS_PREFERENCE = "experimentsRoots";
    public static final String ADDED_PREFERENCE = "addedExperimentDirectories";
    /** System property that sets the experiments root when no preference does (tests, scripted starts). */
    public static final String ROOT_PROPERTY = "trainbench.experiments";

    private static LiveRuns instance;

    private final ExperimentCatalog catalog = new ExperimentCatalog(new EngineProcesses());
    private final List<Consumer<List<RunSnapshot>>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<RunSnapshot> snapshots = List.of();
    private final Job job = new Job("Reading experiment directories") {
        @Override
        protected IStatus run(IProgressMonitor monitor) {
            try {
                List<RunSnapshot> fresh = catalog.refresh(Instant.now());
                snapshots = fresh;
                Display display = Display.getDefault();
                if (!display.isDisposed()) {
                    display.asyncExec(() -> listeners.forEach(l -> l.accept(fresh)));
                }
            } catch (RuntimeException e) {
                // One unreadable run must not stop the views from following the others: log and go on.
                Platform.getLog(LiveRuns.class).error("reading the experiment directories failed: " + e.getMessage(), e);
            } finally {
                if (!listeners.isEmpty() && !monitor.isCanceled()) {
                    schedule(REFRESH_MILLIS);
                }
            }
            return Status.OK_STATUS;
        }
    };

    private LiveRuns() {
        job.setSystem(true);
        job.setPriority(Job.SHORT);
        catalog.setRoots(paths(preferences().get(ROOTS_PREFERENCE, defaultRoot())));
        for (Path dir : paths(preferences().get(ADDED_PREFERENCE, ""))) {
            catalog.add(dir);
        }
    }

    public static synchronized LiveRuns get() {
        if (instance == null) {
            instance = new LiveRuns();
        }
        return instance;
    }

    public ExperimentCatalog catalog() {
        return catalog;
    }

    /** The snapshots of the last refresh. */
    public List<RunSnapshot> snapshots() {
        return snapshots;
    }

    /** The follower of a listed run, or null. */
    public RunFollower follower(Path directory) {
        return catalog.follower(directory);
    }

    /** Calls {@code listener} on the UI thread after every refresh while it is registered. */
    public void addListener(Consumer<List<RunSnapshot>> listener) {
        listeners.add(listener);
        refreshSoon();
    }

    public void removeListener(Consumer<List<RunSnapshot>> listener) {
        listeners.remove(listener);
    }

    /** Refreshes now instead of at the next tick. */
    public void refreshSoon() {
        job.cancel();
        job.schedule();
    }

    /**
     * Shows a run started by the workbench and watches its process: listed at once, also before its engine writes
     * anything (and when it ends before writing anything: a config with errors), so it can be selected and stopped.
     *
     * @param stop asks the engine to checkpoint and stop (the launcher's Terminate), or null for SIGTERM to the process
     */
    public void follow(Path experimentDir, ProcessHandle process, Runnable stop) {
        if (process != null) {
            catalog.processes().register(experimentDir, process, stop);
        }
        addDirectory(experimentDir);
    }

    /** {@link #follow(Path, ProcessHandle, Runnable)} with SIGTERM as the stop. */
    public void follow(Path experimentDir, ProcessHandle process) {
        follow(experimentDir, process, null);
    }

    /**
     * How to ask the engine of a listed run to checkpoint and stop: for a run launched here the launch's Terminate,
     * for a run this workbench follows with a process on this machine SIGTERM; empty when the run is not starting or
     * running, or its process is not known ({@link RunFollower#stop()}).
     */
    public java.util.Optional<Runnable> stop(Path directory) {
        RunFollower follower = follower(directory);
        return follower == null ? java.util.Optional.empty() : follower.stop();
    }

    public void setRoots(List<Path> roots) {
        catalog.setRoots(roots);
        preferences().put(ROOTS_PREFERENCE, join(roots));
        flush();
        refreshSoon();
    }

    public void addDirectory(Path directory) {
        catalog.add(directory);
        preferences().put(ADDED_PREFERENCE, join(catalog.addedDirectories()));
        flush();
        refreshSoon();
    }

    public void remove(Path directory) {
        catalog.remove(directory);
        preferences().put(ADDED_PREFERENCE, join(catalog.addedDirectories()));
        flush();
        refreshSoon();
    }

    private static String defaultRoot() {
        String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        return Path.of(System.getProperty("user.home"), "trainbench-experiments").toString();
    }

    private static IEclipsePreferences preferences() {
        return InstanceScope.INSTANCE.getNode(PREFERENCE_NODE);
    }

    private static void flush() {
        try {
            preferences().flush();
        } catch (org.osgi.service.prefs.BackingStoreException e) {
            Platform.getLog(LiveRuns.class).warn("cannot save the experiments list: " + e.getMessage());
        }
    }

    private static List<Path> paths(String joined) {
        List<Path> paths = new ArrayList<>();
        for (String part : joined.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                paths.add(Path.of(part.strip()));
            }
        }
        return paths;
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
