package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.trainbench.engine.files.ProtectedFilesException;
import org.trainbench.engine.run.RunDirectory;

/**
 * One trainer per run directory. The trainer holds an operating-system lock ({@link FileChannel#tryLock()}) on
 * {@code <experiment_dir>/.trainbench-lock} for the whole run, and writes its holder into that file (pid, host, start
 * time) for people and for the next trainer to read. A second trainer is refused with the holder's name.
 *
 * <p>The operating system drops the lock when its process ends, however it ends; the file is emptied on a normal
 * release. A file that still names a holder but can be locked was left by a killed run: on this host it is taken over
 * with a message. When it names another host, the lock may just not reach across a shared file system, so it is
 * refused; the message says to delete the file once that run is known to be gone.
 */
public final class RunDirectoryLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks the run directory (creating it) for this process.
     *
     * @param messages receives the note when a stale lock of a killed run is taken over
     * @throws ProtectedFilesException when another trainer holds the directory
     */
    public static RunDirectoryLock acquire(Path experimentDir, Consumer<String> messages) throws IOException {
        Files.createDirectories(experimentDir);
        Path file = RunDirectory.of(experimentDir).lock();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another trainer in this same process
            }
            Map<String, String> holder = holder(channel);
            if (lock == null) {
                throw new ProtectedFilesException(experimentDir + " is in use by another trainer (" + describe(holder)
                        + "; lock file " + file + "): two runs in one directory would mix their checkpoints. Wait for it to"
                        + " finish or stop it, or set run.experiment_dir to another directory");
            }
            if (!holder.isEmpty()) {
                String host = holder.getOrDefault("host", "");
                if (!host.equals(hostName())) {
                    lock.release();
                    throw new ProtectedFilesException(experimentDir + " is marked in use by a trainer on another host ("
                            + describe(holder) + "; lock file " + file + "). If that run is no longer running, delete " + file
                            + " and start again; otherwise set run.experiment_dir to another directory");
                }
                messages.accept("taking over the lock of " + experimentDir + " left by " + describe(holder)
                        + ", which no longer holds it (the run was killed)");
            }
            RunDirectoryLock held = new RunDirectoryLock(file, channel, lock);
            held.write("pid: " + ProcessHandle.current().pid() + "\nhost: " + hostName() + "\nsince: "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n");
            return held;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Empties the holder and releases the lock; the file stays (deleting it would race with a trainer opening it). */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                channel.truncate(0);
                channel.force(true);
            }
        } finally {
            channel.close(); // releases the lock
        }
    }

    /** This machine's name, as the lock file and the run's {@code started} event record it. */
    public static String hostName() {
        return org.trainbench.engine.files.ThisHost.name();
    }

    private void write(String text) throws IOException {
        channel.truncate(0);
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long position = 0;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        channel.force(true);
    }

    /** The holder written in the file: {@code key: value} lines; empty when the file is empty. */
    private static Map<String, String> holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
        long position = 0;
        while (buffer.hasRemaining() && channel.read(buffer, position) > 0) {
            position = buffer.position();
        }
        Map<String, String> holder = new LinkedHashMap<>();
        for (String line : new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                holder.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return holder;
    }

    private static String describe(Map<String, String> holder) {
        if (holder.isEmpty()) {
            return "a trainer in this process";
        }
        return "pid " + holder.getOrDefault("pid", "?") + " on host " + holder.getOrDefault("host", "?")
                + (holder.containsKey("since") ? ", since " + holder.get("since") : "");
    }
}
