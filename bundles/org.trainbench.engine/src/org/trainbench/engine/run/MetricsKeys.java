package org.trainbench.engine.run;

/** The keys of metrics.jsonl, each written and read through this one name. */
final class MetricsKeys {
    static final String TYPE = "type";
    static final String TIME = "time";
    static final String STEP = "step";
    static final String EVENT = "event";
    static final String CONSUMED_TOKENS = "consumed_tokens";
    static final String LOSS = "loss";
    static final String LR = "lr";
    static final String GRAD_NORM = "grad_norm";
    static final String TOKENS_PER_S = "tokens_per_s";
    static final String ELAPSED_S = "elapsed_s";
    static final String MEMORY_BYTES = "memory_bytes";
    static final String PEAK_MEMORY_BYTES = "peak_memory_bytes";
    static final String MFU = "mfu";
    static final String STEPS_AVERAGED = "steps_averaged";
    static final String SENT_BYTES_PER_STEP = "sent_bytes_per_step";
    static final String NAME = "name";
    static final String DATASET = "dataset";
    static final String ITERATIONS = "iterations";
    static final String COUNTED_TOKENS = "counted_tokens";
    static final String DURATION_S = "duration_s";
    static final String TRAIN_ITERS = "train_iters";
    static final String RESUMED_FROM_STEP = "resumed_from_step";
    static final String BATCH_SIZE = "batch_size";
    static final String SEQUENCE_LENGTH = "sequence_length";
    static final String TOKENS_PER_STEP = "tokens_per_step";
    static final String PARAMETERS = "parameters";
    static final String BACKEND = "backend";
    static final String WORKERS = "workers";
    static final String ZERO_STAGE = "zero_stage";
    static final String PID = "pid";
    static final String HOST = "host";
    static final String DATASETS = "datasets";
    static final String DESCRIPTION = "description";
    static final String SKIPPED_DOCUMENTS = "skipped_documents";
    static final String PATH = "path";
    static final String FORMAT = "format";
    static final String REASON = "reason";
    static final String CHECKPOINT = "checkpoint";
    static final String MESSAGE = "message";

    private MetricsKeys() {
    }
}

