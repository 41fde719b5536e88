package org.trainbench.ui.experiments;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.trainbench.engine.run.RunDirectory;

/**
 * The runs the workbench shows: every experiment directory under the experiments roots (the root itself, its
 * children, and their children, so that {@code root/group/run} layouts work) plus directories the user added.
 * A run whose directory disappears stays listed as {@link RunStatus#MISSING} until it is removed from the list, so
 * a deleted or moved run is reported instead of silently vanishing.
 *
 * <p>{@link #refresh} does file I/O: call it from a background job.
 */
public final class ExperimentCatalog {
    private final EngineProcesses processes;
    private final Set<Path> roots = new LinkedHashSet<>();
    private final Set<Path> added = new LinkedHashSet<>();
    private final Set<Path> removed = new LinkedHashSet<>();
    private final Map<Path, RunFollower> followers = new LinkedHashMap<>();
    /** The sweep of each listed run that belongs to one ({@link RunDirectory#sweep}), read when it is first found. */
    private final Map<Path, String> groups = new java.util.HashMap<>();

    public ExperimentCatalog(EngineProcesses processes) {
        this.processes = processes;
    }

    public EngineProcesses processes() {
        return processes;
    }

    /** Replaces the experiments roots (folders scanned for runs). */
    public synchronized void setRoots(List<Path> newRoots) {
        roots.clear();
        for (Path root : newRoots) {
            roots.add(normal(root));
        }
    }

    public synchronized List<Path> roots() {
        return List.copyOf(roots);
    }

    /** Adds a run directory, or a folder of runs, outside the roots. */
    public synchronized void add(Path directory) {
        Path dir = normal(directory);
        added.add(dir);
        removed.remove(dir);
    }

    public synchronized List<Path> addedDirectories() {
        return List.copyOf(added);
    }

    /** Takes a run off the list; a run found again under a root stays off until added explicitly. */
    public synchronized void remove(Path directory) {
        Path dir = normal(directory);
        followers.remove(dir);
        groups.remove(dir);
        added.remove(dir);
        removed.add(dir);
    }

    /** The follower of a listed run, or null. */
    public synchronized RunFollower follower(Path directory) {
        return followers.get(normal(directory));
    }

    /** The sweep a listed run belongs to, or null: its runs are shown as a group. */
    public synchronized String group(Path directory) {
        return groups.get(normal(directory));
    }

    /** The listed runs of a sweep, in list order. */
    public synchronized List<Path> groupMembers(String group) {
        return followers.keySet().stream().filter(dir -> group.equals(groups.get(dir))).toList();
    }

    public synchronized List<RunFollower> followers() {
        return List.copyOf(followers.values());
    }

    /** Finds new runs, then reads what every run appended; returns the snapshots in list order. */
    public List<RunSnapshot> refresh(Instant now) {
        Map<Path, String> found = discover();
        Map<Path, String> newGroups = new java.util.HashMap<>();
        for (Path dir : found.keySet()) {
            if (follower(dir) == null) {
                newGroups.put(dir, RunDirectory.of(dir).sweep());
            }
        }
        List<RunFollower> current;
        synchronized (this) {
            found.forEach((dir, name) -> {
                if (!removed.contains(dir)) {
                    followers.computeIfAbsent(dir, d -> {
                        groups.put(d, newGroups.get(d));
                        return new RunFollower(d, name, processes);
                    });
                }
            });
            current = List.copyOf(followers.values());
        }
        List<RunSnapshot> snapshots = new ArrayList<>(current.size());
        for (RunFollower follower : current) {
            try {
                snapshots.add(follower.refresh(now));
            } catch (RuntimeException e) {
                // A run that cannot be read (permissions, a file system gone stale) keeps its last state and says why.
                RunSnapshot last = follower.snapshot();
                snapshots.add(new RunSnapshot(last.directory(), last.name(), last.status(), "cannot read this run: " + e,
                        last.step(), last.trainIters(), last.lastLoss(), last.tokensPerSecond(), last.eta(), last.lastActivity(),
                        last.malformedLines(), last.logTail()));
            }
        }
        return snapshots;
    }

    private Map<Path, String> discover() {
        List<Path> scanRoots;
        List<Path> explicit;
        synchronized (this) {
            scanRoots = List.copyOf(roots);
            explicit = List.copyOf(added);
        }
        Map<Path, String> found = new LinkedHashMap<>();
        for (Path root : scanRoots) {
            scan(root, root, 0, found);
        }
        for (Path dir : explicit) {
            if (RunDirectory.of(dir).holdsRun() || !Files.isDirectory(dir)) {
                String sweep = RunDirectory.of(dir).sweep();
                String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
                found.putIfAbsent(dir, sweep == null ? name : sweep + "/" + name);
            } else {
                scan(dir, dir.getParent() == null ? dir : dir.getParent(), 0, found);
            }
        }
        return found;
    }

    private static void scan(Path dir, Path root, int depth, Map<Path, String> found) {
        if (RunDirectory.of(dir).holdsRun()) {
            String name = root.equals(dir) ? String.valueOf(dir.getFileName()) : root.relativize(dir).toString();
            found.putIfAbsent(dir, name);
            return;
        }
        if (depth == 2 || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(children::add);
        } catch (IOException e) {
            return; // unreadable or just deleted: nothing to list there
        }
        children.sort(null);
        for (Path child : children) {
            if (!child.getFileName().toString().startsWith(".")) {
                scan(child, root, depth + 1, found);
            }
        }
    }

    private static Path normal(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
