package org.trainbench.ui.experiments;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A checkpoint or an export of a run, as the checkpoint browser lists it.
 *
 * @param complete       for a checkpoint: its manifest.json is there (written last, so the checkpoint is whole)
 * @param time           when it was written (its newest file); null if unreadable
 * @param trainLoss      training loss of the log interval at or before its step; NaN if none
 * @param validationLoss loss of the first validation evaluator at or before its step; NaN if none
 * @param format         for an export, the format the engine wrote ({@code training.export.format}); for a
 *                       checkpoint, {@code trainbench}
 */
public record StoredModel(Kind kind, long step, Path path, Instant time, long sizeBytes, double trainLoss, double validationLoss,
        boolean complete, String format) {

    public enum Kind {
        CHECKPOINT("checkpoint"), EXPORT("export");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
