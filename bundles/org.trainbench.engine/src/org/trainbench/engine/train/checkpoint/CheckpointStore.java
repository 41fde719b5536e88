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
        Files.createDirectories(directory);
        Path target = pathOf(step);
        if (Files.exists(target)) {
            try {
                verify(target, step);
                // Intact: a run resumed from it and stopped again before making a step.
                return target;
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
        if (!Files.isRegularFile(manifestFile)) {
            throw new CorruptCheckpointException(manifestFile, "missing (the checkpoint was not completed)");
        }
        Map<String, Object> manifest;
        try {
            manifest = Json.parseObject(Files.readString(manifestFile, StandardCharsets.UTF_8), manifestFile.toString());
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(manifestFile, "unreadable: " + e.getMessage());
        }
        if (!FORMAT.equals(manifest.get("format")) || !(manifest.get("version") instanceof Number version)
                || version.intValue() != VERSION) {
            throw new CorruptCheckpointException(manifestFile, "not a " + FORMAT + " version " + VERSION + " manifest");
        }
        if (!(manifest.get("step") instanceof Number step) || step.longValue() != expectedStep) {
            throw new CorruptCheckpointException(manifestFile, "names step " + manifest.get("step") + " but lies in the directory of step "
                    + expectedStep);
        }
        if (!(manifest.get("files") instanceof Map<?, ?> files)) {
            throw new CorruptCheckpointException(manifestFile, "has no file list");
        }
        for (String name : List.of(MODEL_FILE, OPTIMIZER_FILE, STATE_FILE)) {
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

    /**
     * Reads a verified checkpoint into the model parameters and the optimizer, and returns its state.json.
     *
     * @throws CheckpointMismatchException if the tensors do not match the model's shapes
     */
    public static Map<String, Object> restore(Checkpoint checkpoint, List<Parameter> parameters, AdamW optimizer) throws IOException {
        Path stateFile = checkpoint.directory().resolve(STATE_FILE);
        Map<String, Object> state = Json.parseObject(Files.readString(stateFile, StandardCharsets.UTF_8), stateFile.toString());
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
            if (state.get("optimizer_step") instanceof Number step) {
                optimizer.restoreStep(step.longValue());
            } else {
                throw new CorruptCheckpointException(stateFile, "has no optimizer_step");
            }
        }
        return state;
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
