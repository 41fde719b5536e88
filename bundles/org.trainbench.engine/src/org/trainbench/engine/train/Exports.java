package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;

import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.distributed.DataParallel;

/**
 * The exports a run writes into {@code export/step-N} ({@code training.export}): at its interval and after the last
 * step, written to {@code export/.tmp-step-N} and renamed when complete; the newest {@code keep} stay. Without an
 * exporter for the format, none (with a warning at the start).
 */
final class Exports {
    private final TrainingPlan plan;
    private final ModelExporter exporter;
    private final DataParallel group;
    private final RunLog log;
    private final RunDirectory run;

    Exports(TrainingPlan plan, ModelExporter exporter, DataParallel group, RunLog log) {
        this.plan = plan;
        this.exporter = exporter;
        this.group = group;
        this.log = log;
        this.run = RunDirectory.of(plan.experimentDir());
    }

    /** Says so when exports are asked for that cannot be written. */
    void warnIfUnavailable() {
        if (plan.exportFormat() != null && plan.exports().enabled() && exporter == null) {
            log.say("warning: training.export.format is " + plan.exportFormat() + " but no exporter is available; exports are skipped");
        }
    }

    /** Whether an export is due after {@code step}. */
    boolean due(long step, boolean done) {
        return plan.exportFormat() != null && exporter != null && (plan.exports().at(step) || done && plan.exports().enabled());
    }

    /** Writes the export of {@code step} and its {@code export_written} line, then removes the oldest beyond keep. */
    void write(ModelBackend backend, LlamaModel model, long step) throws IOException {
        backend.copyToHost(); // a collective with ZeRO: every rank, before rank 0 alone writes
        if (!group.writesFiles()) {
            return;
        }
        Path exports = run.exports();
        Path target = run.export(step);
        if (Files.exists(target)) {
            return;
        }
        Path temporary = exports.resolve(StepDirectory.temporaryName(step));
        Files.createDirectories(temporary);
        exporter.export(model, temporary);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target);
        }
        log.record(new MetricsRecord.ExportWritten(MetricsRecord.now(), step, plan.exportFormat(), run.relative(target)));
        log.say("export (" + plan.exportFormat() + ") written to " + target);
        if (plan.keepExports() > 0) {
            List<Path> all = StepDirectory.list(exports);
            for (int i = 0; i < all.size() - plan.keepExports(); i++) {
                deleteRecursively(all.get(i));
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
