package org.trainbench.ui.experiments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

import org.trainbench.engine.run.MetricsRecord;

/**
 * Follows a growing {@code metrics.jsonl} the way {@code tail -f} does, but by polling: each {@link #poll} reads only
 * the bytes appended since the last one and hands every complete line to a {@link Sink}.
 *
 * <p>A line is complete once its {@code '\n'} is written; a partial last line (the engine is in the middle of
 * writing it) is left for the next poll. Malformed lines are reported to the sink and skipped. When the file is
 * truncated, replaced by another file (a new inode), or rewritten from the start (its first bytes changed), the
 * follower starts over from byte 0 and tells the sink to forget what it had. A missing file (deleted, moved, not yet
 * created) is reported, not thrown: polling again later picks the file up when it (re)appears.
 *
 * <p>Not thread-safe: one thread polls (the workbench's refresh job).
 */
public final class MetricsFollower {

    /** Receives what a poll found, in file order. */
    public interface Sink {
        /** The file was truncated or replaced: drop everything read from it so far; lines follow from byte 0. */
        void restarted();

        void record(MetricsRecord record);

        /** A line that is not a metrics record was skipped; {@code message} names the file, line and problem. */
        void malformed(long lineNumber, String message);
    }

    /** What one poll saw. */
    public record Poll(boolean missing, long bytesRead, long linesRead) {
    }

    /** How many leading bytes identify the file's content, to notice a rewrite that did not shrink it. */
    private static final int HEAD_BYTES = 256;

    private final Path file;
    private long offset;
    private long lineNumber;
    private Object fileKey;
    private byte[] head = new byte[0];
    private byte[] buffer = new byte[1 << 16];

    public MetricsFollower(Path file) {
        this.file = Objects.requireNonNull(file);
    }

    public Path file() {
        return file;
    }

    /** Bytes consumed so far: everything up to the end of the last complete line. */
    public long offset() {
        return offset;
    }

    /** Reads what was appended since the last poll. I/O errors other than a missing file propagate. */
    public Poll poll(Sink sink) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return new Poll(true, 0, 0);
        }
        try (channel) {
            Object key = fileKey(file);
            long size = channel.size();
            if (offset > 0 && (size < offset || !Objects.equals(key, fileKey) || !sameHead(channel))) {
                offset = 0;
                lineNumber = 0;
                head = new byte[0];
                sink.restarted();
            }
            fileKey = key;
            return readLines(channel, size, sink);
        }
    }

    private static Object fileKey(Path file) {
        try {
            return java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private boolean sameHead(FileChannel channel) throws IOException {
        if (head.length == 0) {
            return true;
        }
        ByteBuffer now = ByteBuffer.allocate(head.length);
        while (now.hasRemaining() && channel.read(now, now.position()) > 0) {
            // keep reading: a single read may return fewer bytes
        }
        return now.position() == head.length && Arrays.equals(now.array(), head);
    }

    private Poll readLines(FileChannel channel, long size, Sink sink) throws IOException {
        long position = offset;
        long bytesRead = 0;
        long lines = 0;
        int filled = 0;
        while (position + filled < size) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int want = (int) Math.min(buffer.length - filled, size - position - filled);
            int got = channel.read(ByteBuffer.wrap(buffer, filled, want), position + filled);
            if (got <= 0) {
                break;
            }
            filled += got;
            bytesRead += got;
            if (position == 0) {
                head = Arrays.copyOf(buffer, Math.min(filled, HEAD_BYTES));
            }
            int start = 0;
            for (int i = 0; i < filled; i++) {
                if (buffer[i] == '\n') {
                    lineNumber++;
                    lines++;
                    deliver(start, i, sink);
                    start = i + 1;
                }
            }
            position += start;
            System.arraycopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
        }
        offset = position;
        return new Poll(false, bytesRead, lines);
    }

    private void deliver(int start, int end, Sink sink) {
        if (end > start && buffer[end - 1] == '\r') {
            end--;
        }
        String line = new String(buffer, start, end - start, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) {
            return;
        }
        String source = file + ":" + lineNumber;
        try {
            MetricsRecord record = MetricsRecord.parse(line, source);
            if (record != null) {
                sink.record(record);
            }
        } catch (MetricsRecord.MalformedLineException e) {
            sink.malformed(lineNumber, e.getMessage() + "; line skipped");
        }
    }
}
