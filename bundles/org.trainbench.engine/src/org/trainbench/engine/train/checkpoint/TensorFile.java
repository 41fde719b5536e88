package org.trainbench.engine.train.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;

/**
 * fp32 tensors in the safetensors layout (8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data), so that a checkpoint can be inspected with the
 * {@code safetensors} Python package. Only F32 is written or read here; checkpoints keep the exact training values.
 */
final class TensorFile {
    private static final int CHUNK_FLOATS = 1 << 16;

    /** One tensor to write: its name, shape and values (length = product of the shape). */
    record Entry(String name, int[] shape, float[] values) {
    }

    private TensorFile() {
    }

    /** Writes the entries in order and forces the file to disk. */
    static void write(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Entry entry : entries) {
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("dtype", "F32");
            List<Object> shape = new ArrayList<>();
            for (int d : entry.shape()) {
                shape.add((long) d);
            }
            description.put("shape", shape);
            long bytes = 4L * entry.values().length;
            description.put("data_offsets", List.of(offset, offset + bytes));
            header.put(entry.name(), description);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        // The data starts 8-byte aligned, as the safetensors writers do it (spaces are valid JSON padding).
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(channel, head);
            ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry entry : entries) {
                float[] values = entry.values();
                for (int start = 0; start < values.length; start += CHUNK_FLOATS) {
                    int end = Math.min(values.length, start + CHUNK_FLOATS);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, start, end - start);
                    chunk.limit(4 * (end - start));
                    writeFully(channel, chunk);
                }
            }
            channel.force(true);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Reads the named tensors into the given arrays, checking every shape first.
     *
     * @param targets name to (shape, destination) entries; all must be present in the file
     * @throws CorruptCheckpointException if the file is not a readable F32 safetensors file or lacks a tensor
     * @throws CheckpointMismatchException if a tensor's shape differs from the expected one
     */
    static void read(Path file, List<Entry> targets) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CorruptCheckpointException(file, "the file is " + size + " bytes, shorter than a safetensors header");
            }
            ByteBuffer lengthBuffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBuffer, 0, file);
            long headerLength = lengthBuffer.flip().getLong();
            if (headerLength < 2 || headerLength > size - 8 || headerLength > Integer.MAX_VALUE) {
                throw new CorruptCheckpointException(file, "header length " + headerLength + " does not fit the file's " + size + " bytes");
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBuffer, 8, file);
            Map<String, Object> header;
            try {
                header = Json.parseObject(new String(headerBuffer.array(), StandardCharsets.UTF_8), file.toString());
            } catch (IllegalArgumentException e) {
                throw new CorruptCheckpointException(file, "unreadable header: " + e.getMessage());
            }
            long dataStart = 8 + headerLength;
            List<long[]> ranges = new ArrayList<>();
            for (Entry target : targets) {
                if (!(header.get(target.name()) instanceof Map<?, ?> description)) {
                    throw new CorruptCheckpointException(file, "tensor " + target.name() + " is missing");
                }
                if (!"F32".equals(description.get("dtype"))) {
                    throw new CorruptCheckpointException(file, "tensor " + target.name() + " has dtype " + description.get("dtype")
                            + ", expected F32");
                }
                List<?> shape = (List<?>) description.get("shape");
                int[] actual = shape.stream().mapToInt(d -> ((Number) d).intValue()).toArray();
                if (!java.util.Arrays.equals(actual, target.shape())) {
                    throw new CheckpointMismatchException("tensor " + target.name() + " in " + file + " has shape "
                            + java.util.Arrays.toString(actual) + " but the model expects " + java.util.Arrays.toString(target.shape())
                            + ": the checkpoint was written for another model architecture");
                }
                List<?> offsets = (List<?>) description.get("data_offsets");
                long begin = ((Number) offsets.get(0)).longValue();
                long end = ((Number) offsets.get(1)).longValue();
                if (end - begin != 4L * target.values().length || dataStart + end > size || begin < 0) {
                    throw new CorruptCheckpointException(file, "tensor " + target.name() + " has byte range [" + begin + ", " + end
                            + ") that does not fit its shape or the file");
                }
                ranges.add(new long[] {begin, end});
            }
            ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < targets.size(); t++) {
                float[] values = targets.get(t).values();
                long position = dataStart + ranges.get(t)[0];
                for (int start = 0; start < values.length; start += CHUNK_FLOATS) {
                    int count = Math.min(values.length - start, CHUNK_FLOATS);
                    chunk.clear().limit(4 * count);
                    readFully(channel, chunk, position, file);
                    chunk.flip();
                    chunk.asFloatBuffer().get(values, start, count);
                    position += 4L * count;
                }
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new CorruptCheckpointException(file, "the file ends early, at byte " + at);
            }
            at += n;
        }
    }
}
