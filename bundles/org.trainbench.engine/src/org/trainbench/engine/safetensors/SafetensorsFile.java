package org.trainbench.engine.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;

/**
 * Reads one safetensors file: an 8-byte little-endian header length, a JSON header
 * ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}), then the
 * raw little-endian tensor bytes, offsets counted from the end of the header. Tensors are read on demand, so a
 * file of many gigabytes costs only the tensors asked for. The engine's one safetensors reader: Hugging Face model
 * files and the engine's own checkpoints ({@code train.checkpoint.CheckpointStore}) alike; {@link SafetensorsWriter}
 * writes both.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** One tensor's entry in the header. {@code dtype} is null for types the engine cannot decode. */
    public record TensorInfo(String name, String dtypeName, SafetensorsDType dtype, int[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, path);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new SafetensorsFormatException(path + ": not a safetensors file (header length " + headerLength
                        + " in a file of " + size + " bytes); expected an 8-byte little-endian length, then a JSON header");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8, path);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            Object parsed;
            try {
                parsed = Json.parse(json.strip());
            } catch (IllegalArgumentException e) {
                throw new SafetensorsFormatException(path + ": the JSON header does not parse: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> entries)) {
                throw new SafetensorsFormatException(path + ": the header must be a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) {
                    if (e.getValue() instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                    }
                    continue;
                }
                tensors.put(name, tensorInfo(path, name, e.getValue(), dataSize));
            }
            return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static TensorInfo tensorInfo(Path path, String name, Object value, long dataSize) {
        if (!(value instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dtype)
                || !(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offsets)
                || offsets.size() != 2) {
            throw new SafetensorsFormatException(path + ": header entry '" + name
                    + "' needs \"dtype\", \"shape\" and \"data_offsets\": [begin, end]");
        }
        int[] shape = new int[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) shapeList.get(i)).intValue();
        }
        long begin = ((Number) offsets.get(0)).longValue();
        long end = ((Number) offsets.get(1)).longValue();
        SafetensorsDType type = SafetensorsDType.fromHeader(dtype);
        TensorInfo info = new TensorInfo(name, dtype, type, shape, begin, end);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new SafetensorsFormatException(path + ": tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "] outside the " + dataSize + " data bytes (truncated file?)");
        }
        if (type != null && (end - begin) != info.elements() * type.bytes()) {
            throw new SafetensorsFormatException(path + ": tensor '" + name + "' of shape " + java.util.Arrays.toString(shape)
                    + " in " + dtype + " should span " + info.elements() * type.bytes() + " bytes, its offsets span " + (end - begin));
        }
        return info;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path path) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new SafetensorsFormatException(path + ": unexpected end of file at byte " + position);
            }
            position += n;
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The {@code __metadata__} strings (e.g. {@code format: pt}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor converted to fp32, row-major. */
    public float[] readFloats(String name) throws IOException {
        TensorInfo t = info(name);
        if (t.elements() > Integer.MAX_VALUE - 16) {
            throw new SafetensorsFormatException(path + ": tensor '" + name + "' has " + t.elements() + " elements, more than one Java array holds");
        }
        float[] out = new float[(int) t.elements()];
        readFloats(name, out);
        return out;
    }

    /**
     * Reads the tensor, converted to fp32, row-major, into {@code out}, whose length must be the tensor's element count
     * (checkpoints restore into the model's own arrays this way).
     */
    public void readFloats(String name, float[] out) throws IOException {
        TensorInfo t = info(name);
        if (t.dtype() == null) {
            throw new SafetensorsFormatException(path + ": tensor '" + name + "' has dtype " + t.dtypeName()
                    + "; the engine reads F32, BF16 and F16");
        }
        if (t.elements() != out.length) {
            throw new SafetensorsFormatException(path + ": tensor '" + name + "' has " + t.elements() + " elements, expected "
                    + out.length);
        }
        int elementBytes = t.dtype().bytes();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(1 << 22, Math.max(elementBytes, t.end() - t.begin())))
                .order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + t.begin();
        int done = 0;
        while (done < out.length) {
            int count = Math.min(out.length - done, buffer.capacity() / elementBytes);
            buffer.clear().limit(count * elementBytes);
            readFully(channel, buffer, position, path);
            buffer.flip();
            switch (t.dtype()) {
                case F32 -> buffer.asFloatBuffer().get(out, done, count);
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = SafetensorsDType.fromBFloat16(buffer.getShort(2 * i));
                    }
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        out[done + i] = Float.float16ToFloat(buffer.getShort(2 * i));
                    }
                }
            }
            position += (long) count * elementBytes;
            done += count;
        }
    }

    /** The tensor's raw bytes as stored (for bit-exact comparisons). */
    public byte[] readRaw(String name) throws IOException {
        TensorInfo t = info(name);
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(t.end() - t.begin()));
        readFully(channel, buffer, dataStart + t.begin(), path);
        return buffer.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
