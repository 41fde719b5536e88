package org.trainbench.ui.experiments;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/**
 * Lists and deletes the checkpoints ({@code checkpoints/step-N}) and exports of a run. Exports are
 * {@code export/step-N} as the engine writes them during training, and {@code export/step-N-<suffix>} for further
 * exports of the same step (the workbench's Export to Hugging Face names a second one {@code step-N-2}). Directories
 * the engine is still writing ({@code .tmp-*}, {@code .NAME.export-*}) or deleting ({@code .deleting-*}) are not listed.
 */
public final class StoredModels {
    /** Hugging Face's model description, in every export. */
    static final String HF_CONFIG = "config.json";

    private StoredModels() {
    }

    /** Checkpoints then exports, each by ascending step, with losses looked up in {@code metrics}. */
    public static List<StoredModel> list(Path experimentDir, RunMetrics metrics) throws IOException {
        Series train = metrics.train();
        Series validation = Series.EMPTY;
        for (Map.Entry<String, Series> e : metrics.evaluations().entrySet()) {
            if (!e.getKey().equals(MetricsRecord.TEST)) {
                validation = e.getValue();
                break;
            }
        }
        Map<String, String> exportFormats = new HashMap<>();
        for (MetricsRecord.Event event : metrics.events()) {
            if (event instanceof MetricsRecord.ExportWritten written && written.path() != null && written.format() != null) {
                exportFormats.put(Path.of(written.path()).getFileName().toString(), written.format());
            }
        }
        RunDirectory run = RunDirectory.of(experimentDir);
        List<StoredModel> models = new ArrayList<>();
        for (Path dir : StepDirectory.list(run.checkpoints())) {
            models.add(describe(StoredModel.Kind.CHECKPOINT, dir, train, validation, Files.isRegularFile(dir.resolve(CheckpointStore.MANIFEST_FILE)),
                    "trainbench"));
        }
        for (Path dir : StepDirectory.list(run.exports(), true)) {
            models.add(describe(StoredModel.Kind.EXPORT, dir, train, validation, true,
                    exportFormat(dir, exportFormats.get(dir.getFileName().toString()))));
        }
        return models;
    }

    /**
     * The format of an export: the one its {@code export_written} event names, else config.json's {@code model_type}
     * (an export by {@code trainbench export} logs no event), followed by config.json's {@code torch_dtype} in
     * brackets when it has one, so that a float32 and a bfloat16 export of one step can be told apart.
     */
    static String exportFormat(Path dir, String logged) {
        Path file = dir.resolve(HF_CONFIG);
        Map<String, Object> config = null;
        if (Files.isRegularFile(file)) {
            try {
                config = Json.parseObject(Files.readString(file), file.toString());
            } catch (IOException | IllegalArgumentException e) {
                // Being written or damaged: the format stays what the event says, the listing goes on.
            }
        }
        String format = logged;
        if (format == null && config != null && config.get("model_type") instanceof String type) {
            format = type;
        }
        if (format == null) {
            format = Files.isRegularFile(file) ? "huggingface" : "unknown";
        }
        return config != null && config.get("torch_dtype") instanceof String dtype ? format + " (" + dtype + ")" : format;
    }

    /**
     * Deletes a checkpoint or export directory: first renamed to {@code .deleting-<name>} (one atomic step, so a
     * half-deleted checkpoint is never taken for a whole one), then removed file by file.
     */
    public static void delete(StoredModel model) throws IOException {
        Path dir = model.path();
        Path doomed = dir.resolveSibling(StepDirectory.deletingName(dir));
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        Files.walkFileTree(doomed, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static StoredModel describe(StoredModel.Kind kind, Path dir, Series train, Series validation, boolean complete, String format)
            throws IOException {
        long[] size = {0};
        Instant[] newest = {null};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                size[0] += attrs.size();
                Instant modified = attrs.lastModifiedTime().toInstant();
                if (newest[0] == null || modified.isAfter(newest[0])) {
                    newest[0] = modified;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // removed while listing (rotation): skip it
            }
        });
        long step = StepDirectory.stepOfExport(dir);
        return new StoredModel(kind, step, dir, newest[0], size[0], lossAt(train, step), lossAt(validation, step), complete, format);
    }

    private static double lossAt(Series series, long step) {
        int row = series.rowAtOrBefore(step);
        return row < 0 ? Double.NaN : series.value(Metric.LOSS, row);
    }
}
