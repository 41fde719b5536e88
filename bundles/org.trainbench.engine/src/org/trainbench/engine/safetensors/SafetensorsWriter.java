package org.trainbench.engine.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;

/** Writes safetensors files from fp32 arrays, stored as F32 or BF16 (round to nearest even). */
public final class SafetensorsWriter {
    /** A tensor to write: its name, shape and fp32 values, row-major. */
    public record NamedTensor(String name, int[] shape, float[] values) {
        public NamedTensor {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                        + " values, got " + values.length);
            }
        }
    }

    private SafetensorsWriter() {
    }

    /** Bytes the tensor data of {@code tensors} takes in {@code dtype}. */
    public static long dataBytes(List<NamedTensor> tensors, SafetensorsDType dtype) {
        long total = 0;
        for (NamedTensor t : tensors) {
            total += (long) t.values().length * dtype.bytes();
        }
        return total;
    }

    /** Writes one file, tensors in the given order, header padded with spaces to a multiple of 8 bytes. */
    public static void write(Path file, List<NamedTensor> tensors, SafetensorsDType dtype, Map<String, String> metadata)
            throws IOException {
        if (dtype == SafetensorsDType.F16) {
            throw new IllegalArgumentException("writing F16 is not supported; use F32 or BF16");
        }
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (NamedTensor t : tensors) {
            long bytes = (long) t.values().length * dtype.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", t.shape().clone());
            entry.put("data_offsets", List.of(offset, offset + bytes));
            if (header.put(t.name(), entry) != null) {
                throw new IllegalArgumentException("tensor name " + t.name() + " appears twice");
            }
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, head);
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            for (NamedTensor t : tensors) {
                float[] values = t.values();
                int done = 0;
                while (done < values.length) {
                    int count = Math.min(values.length - done, buffer.capacity() / dtype.bytes());
                    buffer.clear();
                    if (dtype == SafetensorsDType.F32) {
                        buffer.asFloatBuffer().put(values, done, count);
                        buffer.position(count * 4);
                    } else {
                        for (int i = 0; i < count; i++) {
                            buffer.putShort(SafetensorsDType.toBFloat16(values[done + i]));
                        }
                    }
                    buffer.flip();
                    writeFully(channel, buffer);
                    done += count;
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
}
