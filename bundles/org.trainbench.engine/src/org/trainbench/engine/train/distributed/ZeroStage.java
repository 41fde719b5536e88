package org.trainbench.engine.train.distributed;

/**
 * {@code model.multi_stage.zero_stage} as Fast-LLM defines it: what each data-parallel rank keeps only its
 * {@link FlatPartition} shard of. Unset is {@link #NONE}.
 */
public enum ZeroStage {
    /** Every rank holds and updates everything; gradients are all-reduced. */
    NONE(0),
    /** Adam moments sharded: each rank updates its shard of the weights, then the weights are all-gathered. */
    OPTIMIZER_STATE(1),
    /** Also the gradients: each rank keeps only its shard of the summed gradients (reduce-scatter). */
    GRADIENTS(2),
    /** Also the weights, all-gathered before use and freed after. */
    WEIGHTS(3);

    private final int number;

    ZeroStage(int number) {
        this.number = number;
    }

    /** The number written in configs (0 to 3). */
    public int number() {
        return number;
    }

    /** The stage of {@code model.multi_stage.zero_stage}; null (unset) is {@link #NONE}. */
    public static ZeroStage of(Integer configured) {
        if (configured == null) {
            return NONE;
        }
        for (ZeroStage stage : values()) {
            if (stage.number == configured) {
                return stage;
            }
        }
        throw new IllegalArgumentException("model.multi_stage.zero_stage: expected 1, 2 or 3 (or unset) but got " + configured);
    }

    /** Whether the optimizer state (and so the update) is split over the ranks. */
    public boolean shardsOptimizerState() {
        return this != NONE;
    }
}
