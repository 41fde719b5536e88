package org.trainbench.engine.train;

/**
 * The most positions (prompt plus generated tokens) a model is made for, and where that number comes from, for
 * messages: {@code max_position_embeddings of DIR/config.json}, {@code batch.sequence_length in RUN/config.resolved.yaml}.
 */
public record PositionLimit(int positions, String source) {
}
