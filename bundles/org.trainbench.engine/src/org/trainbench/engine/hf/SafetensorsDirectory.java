package org.trainbench.engine.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.safetensors.SafetensorsFile;
import org.trainbench.engine.safetensors.SafetensorsFormatException;
import org.trainbench.engine.safetensors.SafetensorsWriter;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json} ({@code {"metadata": {"total_size": N}, "weight_map": {tensor: file}}}).
 */
public final class SafetensorsDirectory implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** Hugging Face's default shard size for save_pretrained (5 GB). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private final Path directory;
    private final Map<String, String> fileOfTensor;
    private final Map<String, SafetensorsFile> open = new LinkedHashMap<>();

    private SafetensorsDirectory(Path directory, Map<String, String> fileOfTensor) {
        this.directory = directory;
        this.fileOfTensor = fileOfTensor;
    }

    public static SafetensorsDirectory open(Path directory) throws IOException {
        Path index = directory.resolve(INDEX_FILE);
        Map<String, String> map = new LinkedHashMap<>();
        if (Files.isRegularFile(index)) {
            Object parsed;
            try {
                parsed = Json.parse(TextFiles.readUtf8(index));
            } catch (IllegalArgumentException e) {
                throw new SafetensorsFormatException(index + ": not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> root) || !(root.get("weight_map") instanceof Map<?, ?> weightMap)) {
                throw new SafetensorsFormatException(index + ": expected an object with a \"weight_map\" of tensor name to shard file");
            }
            weightMap.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
            for (String file : new java.util.HashSet<>(map.values())) {
                if (!Files.isRegularFile(directory.resolve(file))) {
                    throw new SafetensorsFormatException(index + " lists shard " + file + ", which is missing from " + directory);
                }
            }
        } else if (Files.isRegularFile(directory.resolve(SINGLE_FILE))) {
            try (SafetensorsFile f = SafetensorsFile.open(directory.resolve(SINGLE_FILE))) {
                for (String name : f.names()) {
                    map.put(name, SINGLE_FILE);
                }
            }
        } else {
            throw new SafetensorsFormatException(directory + ": no " + SINGLE_FILE + " and no " + INDEX_FILE
                    + "; the engine reads safetensors weights (save the model with save_pretrained(..., safe_serialization=True))");
        }
        return new SafetensorsDirectory(directory, map);
    }

    public Path directory() {
        return directory;
    }

    /** All tensor names. */
    public List<String> names() {
        return new ArrayList<>(fileOfTensor.keySet());
    }

    public boolean contains(String name) {
        return fileOfTensor.containsKey(name);
    }

    /** The file that holds a tensor, opened once and kept open until {@link #close()}. */
    public SafetensorsFile fileOf(String name) throws IOException {
        String file = fileOfTensor.get(name);
        if (file == null) {
            throw new SafetensorsFormatException(directory + ": no tensor named '" + name + "'");
        }
        SafetensorsFile f = open.get(file);
        if (f == null) {
            f = SafetensorsFile.open(directory.resolve(file));
            open.put(file, f);
        }
        if (!f.contains(name)) {
            throw new SafetensorsFormatException(directory.resolve(file) + ": the index says it holds '" + name + "', but it does not");
        }
        return f;
    }

    public SafetensorsFile.TensorInfo info(String name) throws IOException {
        return fileOf(name).info(name);
    }

    public float[] readFloats(String name) throws IOException {
        return fileOf(name).readFloats(name);
    }

    public byte[] readRaw(String name) throws IOException {
        return fileOf(name).readRaw(name);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /**
     * Writes tensors into {@code directory}: one {@code model.safetensors} when they fit in {@code maxShardBytes},
     * else shards {@code model-0000i-of-0000n.safetensors} filled in order plus the index, as save_pretrained does.
     * Returns the files written.
     */
    public static List<Path> write(Path directory, List<SafetensorsWriter.NamedTensor> tensors, SafetensorsDType dtype,
                                   long maxShardBytes) throws IOException {
        Files.createDirectories(directory);
        Map<String, String> metadata = Map.of("format", "pt");
        long total = SafetensorsWriter.dataBytes(tensors, dtype);
        List<Path> written = new ArrayList<>();
        if (total <= maxShardBytes) {
            Path file = directory.resolve(SINGLE_FILE);
            SafetensorsWriter.write(file, tensors, dtype, metadata);
            written.add(file);
            return written;
        }
        List<List<SafetensorsWriter.NamedTensor>> shards = new ArrayList<>();
        List<SafetensorsWriter.NamedTensor> current = new ArrayList<>();
        long currentBytes = 0;
        for (SafetensorsWriter.NamedTensor t : tensors) {
            long bytes = (long) t.values().length * dtype.bytes();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += bytes;
        }
        shards.add(current);
        Map<String, String> weightMap = new TreeMap<>();
        for (int s = 0; s < shards.size(); s++) {
            String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
            Path file = directory.resolve(name);
            SafetensorsWriter.write(file, shards.get(s), dtype, metadata);
            written.add(file);
            for (SafetensorsWriter.NamedTensor t : shards.get(s)) {
                weightMap.put(t.name(), name);
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        Path indexFile = directory.resolve(INDEX_FILE);
        Files.writeString(indexFile, PrettyJson.write(index) + "\n");
        written.add(indexFile);
        return written;
    }
}
