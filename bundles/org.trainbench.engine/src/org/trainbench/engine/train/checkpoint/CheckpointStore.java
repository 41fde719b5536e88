package org.trainbench.engine.train.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.trainbench.engine.files.ProtectedFilesException;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.safetensors.SafetensorsFile;
import org.trainbench.engine.safetensors.SafetensorsFormatException;
import org.trainbench.engine.safetensors.SafetensorsWriter;
import org.trainbench.engine.safetensors.SafetensorsWriter.NamedTensor;
import org.trainbench.engine.train.optim.AdamW;

/**
 * The checkpoints of a run, {@code <experiment_dir>/checkpoints/step-N/}, each holding
 * <ul>
 * <li>{@code model.safetensors}: every parameter, fp32, under its model name;</li>
 * <li>{@code optimizer.safetensors}: AdamW's moments, {@code <name>.exp_avg} and {@code <name>.exp_avg_sq};</li>
 * <li>{@code state.json}: the step, the optimizer step, the data positions, seeds and counters;</li>
 * <li>{@code manifest.json}, written last: format version, step and the size and SHA-256 of each file above.</li>
 * </ul>
 *
 * <p>Atomicity: a checkpoint is written into {@code checkpoints/.tmp-step-N/}, every file and the directory are
 * fsynced, and only then is the directory renamed to {@code step-N} (and the parent fsynced). Killing the process at
 * any moment leaves either no {@code step-N} or a complete one; leftovers named {@code .tmp-*} are removed by
 * {@link #removeLeftovers()}. On loading, each candidate is verified against its manifest before anything is read
 * into the model; a corrupt one is reported (file and reason) and the previous one is tried.
 *
 * <p>Sharded checkpoints (several data-parallel ranks, manifest version {@value #SHARDED_VERSION}, layout
 * {@code sharded}): instead of the two safetensors files, one {@code shard-RRRRR-of-NNNNN.safetensors} per rank holding
 * that rank's contiguous range of the flat vector of all parameters (in {@code parameters} order): tensors
 * {@code weights}, {@code exp_avg} and {@code exp_avg_sq}, each 1-D fp32. The ranks write their shards in parallel into
 * the same {@code .tmp-step-N/} ({@link #beginSharded} by rank 0, {@link #writeShard} by every rank, a barrier, then
 * {@link #completeSharded} by rank 0: state.json, the manifest listing every shard's range, size and SHA-256, and the
 * one atomic rename). A checkpoint is therefore complete only when every shard is; a rank killed while writing leaves a
 * {@code .tmp-} leftover and the previous checkpoint as it was. {@link #restore} reads either layout into a whole model,
 * so a sharded checkpoint resumes with any number of workers, or none, and exports like any other.
 */
public final class CheckpointStore {
    public static final String MODEL_FILE = "model.safetensors";
    /** Names of AdamW's moments of parameter {@code p} in {@link #OPTIMIZER_FILE}: {@code p.exp_avg}, {@code p.exp_avg_sq} (as PyTorch names them). */
    static final String FIRST_MOMENT_SUFFIX = ".exp_avg";
    static final String SECOND_MOMENT_SUFFIX = ".exp_avg_sq";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "state.json";
    public static final String MANIFEST_FILE = "manifest.json";
    static final String FORMAT = "trainbench-checkpoint";
    static final int VERSION = 1;
    /** The manifest version of a sharded checkpoint. */
    static final int SHARDED_VERSION = 2;
    static final String SHARDED_LAYOUT = "sharded";
    static final String SHARD_WEIGHTS = "weights";
    static final String SHARD_FIRST_MOMENT = "exp_avg";
    static final String SHARD_SECOND_MOMENT = "exp_avg_sq";
    /** A rank's note of its written shard (size and SHA-256) for rank 0's manifest; removed before the rename. */
    private static final String SHARD_RECORD_SUFFIX = ".written.json";

    /** A checkpoint directory that passed verification. */
    public record Checkpoint(long step, Path directory) {
    }

    private final Path directory;
    private final int keep;
    private final Consumer<String> messages;

    /**
     * @param directory {@code <experiment_dir>/checkpoints}
     * @param keep      {@code training.checkpoint.keep}: how many checkpoints stay after a save; 0 keeps all
     * @param messages  receives warnings (corrupt checkpoints skipped, leftovers removed)
     */
    public CheckpointStore(Path directory, int keep, Consumer<String> messages) {
        if (keep < 0) {
            throw new IllegalArgumentException("training.checkpoint.keep: expected >= 0 but got " + keep);
        }
        this.directory = directory;
        this.keep = keep;
        this.messages = messages;
    }

    public Path directory() {
        return directory;
    }

    /** The directory a checkpoint of this step has once complete. */
    public Path pathOf(long step) {
        return directory.resolve(StepDirectory.name(step));
    }

    /** Steps of all {@code step-N} directories, complete or not, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> steps = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return steps;
        }
        for (Path entry : StepDirectory.list(directory)) {
            steps.add(StepDirectory.stepOf(entry));
        }
        return steps;
    }

    /** Removes directories left by a save or a rotation that was killed half-way; says so for each. */
    public void removeLeftovers() throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (StepDirectory.isLeftover(name)) {
                    leftovers.add(entry);
                }
            }
        }
        for (Path leftover : leftovers) {
            messages.accept("removing incomplete checkpoint directory " + leftover + " (a save or cleanup was interrupted)");
            deleteTree(leftover);
        }
    }

    /**
     * Writes a checkpoint atomically, then removes the oldest ones beyond {@code keep}.
     *
     * @param state JSON-writable values returned by {@link #restore}; {@code optimizer_step} is added here
     * @return the checkpoint's final directory
     */
    public Path save(long step, List<Parameter> parameters, AdamW optimizer, Map<String, Object> state) throws IOException {
        Path target = pathOf(step);
        if (!beginSharded(step)) {
            return target;
        }
        Path temporary = directory.resolve(StepDirectory.temporaryName(step));

        List<NamedTensor> model = new ArrayList<>();
        List<NamedTensor> moments = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            model.add(new NamedTensor(p.name(), p.shape(), p.data()));
            moments.add(new NamedTensor(p.name() + FIRST_MOMENT_SUFFIX, p.shape(), optimizer.firstMoment(i)));
            moments.add(new NamedTensor(p.name() + SECOND_MOMENT_SUFFIX, p.shape(), optimizer.secondMoment(i)));
        }
        // F32: checkpoints keep the exact training values.
        SafetensorsWriter.write(temporary.resolve(MODEL_FILE), model, SafetensorsDType.F32, Map.of("format", "pt"));
        SafetensorsWriter.write(temporary.resolve(OPTIMIZER_FILE), moments, SafetensorsDType.F32,
                Map.of("optimizer_step", Long.toString(optimizer.step())));
        Map<String, Object> fullState = new LinkedHashMap<>(state);
        fullState.put("optimizer_step", optimizer.step());
        writeForced(temporary.resolve(STATE_FILE), Json.write(fullState));

        Map<String, Object> files = new LinkedHashMap<>();
        for (String name : List.of(MODEL_FILE, OPTIMIZER_FILE, STATE_FILE)) {
            Path file = temporary.resolve(name);
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("bytes", Files.size(file));
            description.put("sha256", sha256(file));
            files.put(name, description);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("version", VERSION);
        manifest.put("step", step);
        manifest.put("files", files);
        return finish(step, temporary, manifest);
    }

    /**
     * Prepares the writing of checkpoint {@code step}: an empty {@code .tmp-step-N/}. Returns false when an intact
     * {@code step-N} exists already (a run resumed from it and stopped again before making a step): nothing is to be
     * written then. A corrupt {@code step-N} is replaced. For a sharded checkpoint rank 0 calls this before any rank
     * writes its shard.
     */
    public boolean beginSharded(long step) throws IOException {
        Files.createDirectories(directory);
        Path target = pathOf(step);
        if (Files.exists(target)) {
            try {
                verify(target, step);
                return false;
            } catch (CorruptCheckpointException e) {
                // The run fell back past this corrupt checkpoint and has now reached its step again: replace it.
                messages.accept("replacing corrupt checkpoint " + target + " (" + e.getMessage() + ")");
                Path doomed = directory.resolve(StepDirectory.deletingName(target));
                Files.move(target, doomed, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(doomed);
            }
        }
        Path temporary = directory.resolve(StepDirectory.temporaryName(step));
        if (Files.exists(temporary)) {
            deleteTree(temporary);
        }
        Files.createDirectory(temporary);
        forceDirectory(directory);
        return true;
    }

    /** The file of rank {@code rank}'s shard among {@code worldSize}: {@code shard-00001-of-00004.safetensors}. */
    public static String shardFileName(int rank, int worldSize) {
        return String.format(java.util.Locale.ROOT, "shard-%05d-of-%05d.safetensors", rank, worldSize);
    }

    /**
     * Writes this rank's shard of checkpoint {@code step} into the {@code .tmp-step-N/} that {@link #beginSharded}
     * prepared: elements {@code [start, end)} of the flat vector of the parameters' weights and of the optimizer's two
     * moments, fsynced, and a note of its size and SHA-256 for {@link #completeSharded}. Reads only the tensors the range
     * touches.
     */
    public void writeShard(long step, int rank, int worldSize, long start, long end, List<Parameter> parameters, AdamW optimizer)
            throws IOException {
        Path temporary = directory.resolve(StepDirectory.temporaryName(step));
        if (!Files.isDirectory(temporary)) {
            throw new IOException(temporary + " is missing: rank 0 prepares it before the ranks write their shards");
        }
        int size = Math.toIntExact(end - start);
        float[] weights = new float[size];
        float[] first = new float[size];
        float[] second = new float[size];
        long at = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            long from = Math.max(start, at);
            long to = Math.min(end, at + p.size());
            if (from < to) {
                int source = (int) (from - at);
                int target = (int) (from - start);
                int length = (int) (to - from);
                System.arraycopy(p.data(), source, weights, target, length);
                System.arraycopy(optimizer.firstMoment(i), source, first, target, length);
                System.arraycopy(optimizer.secondMoment(i), source, second, target, length);
            }
            at += p.size();
        }
        String name = shardFileName(rank, worldSize);
        Path file = temporary.resolve(name);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("rank", Integer.toString(rank));
        metadata.put("world_size", Integer.toString(worldSize));
        metadata.put("start", Long.toString(start));
        metadata.put("end", Long.toString(end));
        int[] shape = {size};
        SafetensorsWriter.write(file, List.of(new NamedTensor(SHARD_WEIGHTS, shape, weights), new NamedTensor(SHARD_FIRST_MOMENT, shape, first),
                new NamedTensor(SHARD_SECOND_MOMENT, shape, second)), SafetensorsDType.F32, metadata);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("start", start);
        record.put("end", end);
        record.put("bytes", Files.size(file));
        record.put("sha256", sha256(file));
        writeForced(temporary.resolve(name + SHARD_RECORD_SUFFIX), Json.write(record));
    }

    /**
     * Completes a sharded checkpoint once every rank's {@link #writeShard} returned (after a barrier): writes state.json
     * and the manifest (every shard's range, size and SHA-256, and the tensors of the flat vector), and renames
     * {@code .tmp-step-N} to {@code step-N} atomically; then rotates as {@link #save} does.
     *
     * @throws IOException naming the shard when a rank's shard or its note is missing
     */
    public Path completeSharded(long step, int worldSize, List<Parameter> parameters, AdamW optimizer, Map<String, Object> state)
            throws IOException {
        Path temporary = directory.resolve(StepDirectory.temporaryName(step));
        Map<String, Object> fullState = new LinkedHashMap<>(state);
        fullState.put("optimizer_step", optimizer.step());
        writeForced(temporary.resolve(STATE_FILE), Json.write(fullState));
        Map<String, Object> files = new LinkedHashMap<>();
        List<Object> shards = new ArrayList<>();
        long expected = 0;
        for (int rank = 0; rank < worldSize; rank++) {
            String name = shardFileName(rank, worldSize);
            Path recordFile = temporary.resolve(name + SHARD_RECORD_SUFFIX);
            if (!Files.isRegularFile(recordFile) || !Files.isRegularFile(temporary.resolve(name))) {
                throw new IOException(temporary.resolve(name) + ": rank " + rank + " did not write its shard");
            }
            Map<String, Object> record = Json.parseObject(Files.readString(recordFile, StandardCharsets.UTF_8), recordFile.toString());
            long start = ((Number) record.get("start")).longValue();
            long end = ((Number) record.get("end")).longValue();
            if (start != expected) {
                throw new IOException(recordFile + ": shard starts at " + start + ", the previous one ends at " + expected);
            }
            expected = end;
            Map<String, Object> shard = new LinkedHashMap<>();
            shard.put("file", name);
            shard.put("start", start);
            shard.put("end", end);
            shards.add(shard);
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("bytes", record.get("bytes"));
            description.put("sha256", record.get("sha256"));
            files.put(name, description);
            Files.delete(recordFile);
        }
        long elements = parameters.stream().mapToLong(Parameter::size).sum();
        if (expected != elements) {
            throw new IOException(temporary + ": the shards cover " + expected + " of " + elements + " elements");
        }
        Map<String, Object> stateDescription = new LinkedHashMap<>();
        stateDescription.put("bytes", Files.size(temporary.resolve(STATE_FILE)));
        stateDescription.put("sha256", sha256(temporary.resolve(STATE_FILE)));
        files.put(STATE_FILE, stateDescription);
        List<Object> tensors = new ArrayList<>();
        for (Parameter p : parameters) {
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("name", p.name());
            tensor.put("shape", java.util.Arrays.stream(p.shape()).boxed().toList());
            tensors.add(tensor);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("version", SHARDED_VERSION);
        manifest.put("step", step);
        manifest.put("layout", SHARDED_LAYOUT);
        manifest.put("world_size", worldSize);
        manifest.put("elements", elements);
        manifest.put("tensors", tensors);
        manifest.put("shards", shards);
        manifest.put("files", files);
        return finish(step, temporary, manifest);
    }

    /** Writes the manifest, makes the directory durable, renames it to {@code step-N} atomically and rotates. */
    private Path finish(long step, Path temporary, Map<String, Object> manifest) throws IOException {
        Path target = pathOf(step);
        writeForced(temporary.resolve(MANIFEST_FILE), Json.write(manifest));
        forceDirectory(temporary);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temporary + " to " + target + " atomically on this file system", e);
        }
        forceDirectory(directory);
        rotate();
        return target;
    }

    private void rotate() throws IOException {
        if (keep == 0) {
            return;
        }
        List<Long> steps = steps();
        for (int i = 0; i < steps.size() - keep; i++) {
            Path old = pathOf(steps.get(i));
            // Renamed first, so a rotation killed half-way never leaves a half-deleted step-N that looks like a checkpoint.
            Path doomed = directory.resolve(StepDirectory.deletingName(old));
            Files.move(old, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
        }
    }

    /**
     * The newest checkpoint that verifies, reporting each newer one that does not (naming its file and what is
     * wrong) and falling back to the previous one.
     */
    public Optional<Checkpoint> latestValid() throws IOException {
        return latestValid(new ArrayList<>());
    }

    /**
     * The checkpoint a run continues from: the newest that verifies, or none when the run has no checkpoint yet.
     *
     * @throws ProtectedFilesException when there are checkpoints but none verifies: starting over at step 0 would
     *                                 overwrite them, and a long run's progress and the evidence would be gone
     *                                 without a question; nothing is changed
     */
    public Optional<Checkpoint> resumePoint() throws IOException {
        List<String> problems = new ArrayList<>();
        Optional<Checkpoint> latest = latestValid(problems);
        if (latest.isEmpty() && !problems.isEmpty()) {
            throw new ProtectedFilesException("every checkpoint in " + directory + " is unusable, so the run cannot continue ("
                    + String.join("; ", problems) + "). Nothing was changed. To start over from step 0 on purpose, set"
                    + " run.experiment_dir to a new directory, or move the checkpoints aside (mv " + directory + " " + directory
                    + ".corrupt); to keep the progress, restore " + directory + " from a copy");
        }
        return latest;
    }

    private Optional<Checkpoint> latestValid(List<String> problems) throws IOException {
        List<Long> steps = steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path candidate = pathOf(steps.get(i));
            try {
                verify(candidate, steps.get(i));
                return Optional.of(new Checkpoint(steps.get(i), candidate));
            } catch (CorruptCheckpointException e) {
                problems.add(e.getMessage());
                messages.accept("checkpoint " + candidate + " is unusable: " + e.getMessage()
                        + (i > 0 ? "; falling back to the previous checkpoint" : "; no older checkpoint to fall back to"));
            }
        }
        return Optional.empty();
    }

    /** Checks the manifest and every file it lists (presence, size, SHA-256). */
    public static void verify(Path checkpoint, long expectedStep) throws IOException {
        Path manifestFile = checkpoint.resolve(MANIFEST_FILE);
        Map<String, Object> manifest = manifest(checkpoint);
        if (!(manifest.get("step") instanceof Number step) || step.longValue() != expectedStep) {
            throw new CorruptCheckpointException(manifestFile, "names step " + manifest.get("step") + " but lies in the directory of step "
                    + expectedStep);
        }
        if (!(manifest.get("files") instanceof Map<?, ?> files)) {
            throw new CorruptCheckpointException(manifestFile, "has no file list");
        }
        List<String> required = new ArrayList<>();
        if (isSharded(manifest)) {
            for (Shard shard : shards(manifest, manifestFile)) {
                required.add(shard.file());
            }
            required.add(STATE_FILE);
        } else {
            required.addAll(List.of(MODEL_FILE, OPTIMIZER_FILE, STATE_FILE));
        }
        for (String name : required) {
            if (!(files.get(name) instanceof Map<?, ?> description)) {
                throw new CorruptCheckpointException(manifestFile, "does not list " + name);
            }
            Path file = checkpoint.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new CorruptCheckpointException(file, "missing");
            }
            long expectedBytes = ((Number) description.get("bytes")).longValue();
            long actualBytes = Files.size(file);
            if (actualBytes != expectedBytes) {
                throw new CorruptCheckpointException(file, "truncated or overwritten: " + actualBytes + " bytes, the manifest says "
                        + expectedBytes);
            }
            String actual = sha256(file);
            if (!actual.equals(description.get("sha256"))) {
                throw new CorruptCheckpointException(file, "checksum mismatch: SHA-256 " + actual + ", the manifest says "
                        + description.get("sha256"));
            }
        }
    }

    /** One rank's range of the flat vector in a sharded checkpoint. */
    private record Shard(String file, long start, long end) {
    }

    /**
     * The manifest of a checkpoint directory, of either layout.
     *
     * @throws CorruptCheckpointException when it is missing, unreadable, or not a manifest of a version this engine reads
     */
    private static Map<String, Object> manifest(Path checkpoint) throws IOException {
        Path manifestFile = checkpoint.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new CorruptCheckpointException(manifestFile, "missing (the checkpoint was not completed)");
        }
        Map<String, Object> manifest;
        try {
            manifest = Json.parseObject(Files.readString(manifestFile, StandardCharsets.UTF_8), manifestFile.toString());
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(manifestFile, "unreadable: " + e.getMessage());
        }
        boolean known = manifest.get("version") instanceof Number version
                && (version.intValue() == VERSION || version.intValue() == SHARDED_VERSION && SHARDED_LAYOUT.equals(manifest.get("layout")));
        if (!FORMAT.equals(manifest.get("format")) || !known) {
            throw new CorruptCheckpointException(manifestFile, "not a " + FORMAT + " version " + VERSION + " (or sharded version "
                    + SHARDED_VERSION + ") manifest");
        }
        return manifest;
    }

    private static boolean isSharded(Map<String, Object> manifest) {
        return ((Number) manifest.get("version")).intValue() == SHARDED_VERSION;
    }

    /** Whether the checkpoint in this directory is sharded (written by several workers); false for the one-process layout. */
    public static boolean isSharded(Path checkpoint) throws IOException {
        return isSharded(manifest(checkpoint));
    }

    private static List<Shard> shards(Map<String, Object> manifest, Path manifestFile) throws IOException {
        if (!(manifest.get("shards") instanceof List<?> list) || list.isEmpty()) {
            throw new CorruptCheckpointException(manifestFile, "has no shard list");
        }
        List<Shard> shards = new ArrayList<>();
        try {
            for (Object entry : list) {
                Map<?, ?> shard = (Map<?, ?>) entry;
                shards.add(new Shard((String) shard.get("file"), ((Number) shard.get("start")).longValue(), ((Number) shard.get("end")).longValue()));
            }
        } catch (ClassCastException | NullPointerException e) {
            throw new CorruptCheckpointException(manifestFile, "has a shard without file, start or end");
        }
        return shards;
    }

    /**
     * Reads a verified checkpoint into the model parameters and the optimizer, and returns its state.json.
     *
     * @throws CheckpointMismatchException if the tensors do not match the model's shapes
     */
    public static Map<String, Object> restore(Checkpoint checkpoint, List<Parameter> parameters, AdamW optimizer) throws IOException {
        Path stateFile = checkpoint.directory().resolve(STATE_FILE);
        Map<String, Object> state = Json.parseObject(Files.readString(stateFile, StandardCharsets.UTF_8), stateFile.toString());
        Map<String, Object> manifest = manifest(checkpoint.directory());
        if (isSharded(manifest)) {
            restoreShards(checkpoint.directory(), manifest, parameters, optimizer);
            restoreStep(state, stateFile, optimizer);
            return state;
        }
        List<NamedTensor> model = new ArrayList<>();
        List<NamedTensor> moments = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            model.add(new NamedTensor(p.name(), p.shape(), p.data()));
            if (optimizer != null) {
                moments.add(new NamedTensor(p.name() + FIRST_MOMENT_SUFFIX, p.shape(), optimizer.firstMoment(i)));
                moments.add(new NamedTensor(p.name() + SECOND_MOMENT_SUFFIX, p.shape(), optimizer.secondMoment(i)));
            }
        }
        readTensors(checkpoint.directory().resolve(MODEL_FILE), model);
        if (optimizer != null) {
            readTensors(checkpoint.directory().resolve(OPTIMIZER_FILE), moments);
        }
        restoreStep(state, stateFile, optimizer);
        return state;
    }

    private static void restoreStep(Map<String, Object> state, Path stateFile, AdamW optimizer) throws IOException {
        if (optimizer == null) {
            return;
        }
        if (state.get("optimizer_step") instanceof Number step) {
            optimizer.restoreStep(step.longValue());
        } else {
            throw new CorruptCheckpointException(stateFile, "has no optimizer_step");
        }
    }

    /**
     * A sharded checkpoint into whole tensors, whatever the number of ranks that wrote it or that read it: the manifest's
     * tensors must be the model's (names and shapes, in order), then each shard's range is copied into the tensors it
     * covers.
     */
    private static void restoreShards(Path directory, Map<String, Object> manifest, List<Parameter> parameters, AdamW optimizer)
            throws IOException {
        Path manifestFile = directory.resolve(MANIFEST_FILE);
        if (!(manifest.get("tensors") instanceof List<?> tensors)) {
            throw new CorruptCheckpointException(manifestFile, "has no tensor list");
        }
        List<String> saved = new ArrayList<>();
        for (Object entry : tensors) {
            Map<?, ?> tensor = (Map<?, ?>) entry;
            saved.add(tensor.get("name") + "" + tensor.get("shape"));
        }
        List<String> expected = parameters.stream().map(p -> p.name() + java.util.Arrays.stream(p.shape()).boxed().toList()).toList();
        if (!saved.equals(expected)) {
            int at = 0;
            while (at < Math.min(saved.size(), expected.size()) && saved.get(at).equals(expected.get(at))) {
                at++;
            }
            throw new CheckpointMismatchException("tensor " + (at < saved.size() ? saved.get(at) : "(none)") + " in " + manifestFile
                    + " does not match the model's " + (at < expected.size() ? expected.get(at) : "(none)")
                    + ": the checkpoint was written for another model architecture");
        }
        for (Shard shard : shards(manifest, manifestFile)) {
            Path file = directory.resolve(shard.file());
            int size = Math.toIntExact(shard.end() - shard.start());
            List<String> names = optimizer == null ? List.of(SHARD_WEIGHTS) : List.of(SHARD_WEIGHTS, SHARD_FIRST_MOMENT, SHARD_SECOND_MOMENT);
            try (SafetensorsFile shardTensors = SafetensorsFile.open(file)) {
                for (String name : names) {
                    if (!shardTensors.contains(name)) {
                        throw new CorruptCheckpointException(file, "tensor " + name + " is missing");
                    }
                    SafetensorsFile.TensorInfo info = shardTensors.info(name);
                    if (info.dtype() != SafetensorsDType.F32 || info.elements() != size) {
                        throw new CorruptCheckpointException(file, "tensor " + name + " is " + info.dtypeName() + " "
                                + java.util.Arrays.toString(info.shape()) + ", the manifest says F32 [" + size + "]");
                    }
                }
                for (int which = 0; which < names.size(); which++) {
                    float[] values = new float[size];
                    shardTensors.readFloats(names.get(which), values);
                    long at = 0;
                    for (int i = 0; i < parameters.size(); i++) {
                        Parameter p = parameters.get(i);
                        long from = Math.max(shard.start(), at);
                        long to = Math.min(shard.end(), at + p.size());
                        if (from < to) {
                            float[] target = which == 0 ? p.data() : which == 1 ? optimizer.firstMoment(i) : optimizer.secondMoment(i);
                            System.arraycopy(values, (int) (from - shard.start()), target, (int) (from - at), (int) (to - from));
                        }
                        at += p.size();
                    }
                }
            } catch (SafetensorsFormatException e) {
                String prefix = file + ": ";
                throw new CorruptCheckpointException(file, e.getMessage().startsWith(prefix)
                        ? e.getMessage().substring(prefix.length()) : e.getMessage());
            }
        }
    }

    /**
     * Reads the named F32 tensors into the given arrays, checking every name, dtype and shape before reading any data.
     *
     * @throws CorruptCheckpointException if the file is not a readable safetensors file, lacks a tensor, or holds it in
     *         another dtype
     * @throws CheckpointMismatchException if a tensor's shape differs from the model's
     */
    private static void readTensors(Path file, List<NamedTensor> targets) throws IOException {
        try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
            for (NamedTensor target : targets) {
                if (!tensors.contains(target.name())) {
                    throw new CorruptCheckpointException(file, "tensor " + target.name() + " is missing");
                }
                SafetensorsFile.TensorInfo info = tensors.info(target.name());
                if (info.dtype() != SafetensorsDType.F32) {
                    throw new CorruptCheckpointException(file, "tensor " + target.name() + " has dtype " + info.dtypeName()
                            + ", expected F32");
                }
                if (!java.util.Arrays.equals(info.shape(), target.shape())) {
                    throw new CheckpointMismatchException("tensor " + target.name() + " in " + file + " has shape "
                            + java.util.Arrays.toString(info.shape()) + " but the model expects "
                            + java.util.Arrays.toString(target.shape()) + ": the checkpoint was written for another model architecture");
                }
            }
            for (NamedTensor target : targets) {
                tensors.readFloats(target.name(), target.values());
            }
        } catch (SafetensorsFormatException e) {
            String prefix = file + ": ";
            throw new CorruptCheckpointException(file, e.getMessage().startsWith(prefix)
                    ? e.getMessage().substring(prefix.length()) : e.getMessage());
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void writeForced(Path file, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            var buffer = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Makes a rename or new entries in a directory durable (Linux and macOS allow opening a directory to fsync it). */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems (and Windows) refuse to open directories; the rename itself is still atomic there.
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                try {
                    Files.deleteIfExists(dir);
                } catch (NoSuchFileException e) {
                    // Already gone.
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
