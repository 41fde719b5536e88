package org.trainbench.engine.tokenizer;

/**
 * An entry of tokenizer.json's {@code added_tokens}: matched in the raw text before normalization and emitted as one
 * token. {@code lstrip}/{@code rstrip} absorb white space on that side into the match; {@code singleWord} requires
 * non-word characters around it.
 */
public record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean singleWord,
        boolean normalized) {
}
