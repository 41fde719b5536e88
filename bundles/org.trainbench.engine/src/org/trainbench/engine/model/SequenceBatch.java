package org.trainbench.engine.model;

/**
 * One micro-batch: B sequences of T tokens each, as the model consumes them.
 *
 * <p>Arrays are indexed {@code [b][t]}. The model predicts {@code targetTokens[b][t]} from
 * {@code inputTokens[b][0..t]}.
 *
 * @param inputTokens  token ids fed to the model, (B, T)
 * @param targetTokens the next token for each position, (B, T); ignored where {@code lossMask} is false
 * @param positions    rotary positions, (B, T); 0..T-1 for plain sequences, restarting at 0 at each document
 *                     start when cross-document attention is off
 * @param documentIds  (B, T); position t attends to position s &lt;= t only when s lies in the same contiguous run
 *                     of equal document ids as t. All equal (e.g. all 0) means plain causal attention
 *                     across the whole sequence (cross-document attention on).
 * @param lossMask     (B, T); true where the target counts in the loss (false for padding, loss-masking spans,
 *                     and the last token of a document whose next token belongs to another document)
 */
public record SequenceBatch(int[][] inputTokens, int[][] targetTokens, int[][] positions, int[][] documentIds,
                            boolean[][] lossMask) {

    public SequenceBatch {
        int b = inputTokens.length;
        if (b == 0 || inputTokens[0].length == 0) {
            throw new IllegalArgumentException("a batch needs at least one sequence of at least one token");
        }
        int t = inputTokens[0].length;
        checkShape("inputTokens", inputTokens.length, b);
        checkShape("targetTokens", targetTokens.length, b);
        checkShape("positions", positions.length, b);
        checkShape("documentIds", documentIds.length, b);
        checkShape("lossMask", lossMask.length, b);
        for (int i = 0; i < b; i++) {
            checkShape("inputTokens[" + i + "]", inputTokens[i].length, t);
            checkShape("targetTokens[" + i + "]", targetTokens[i].length, t);
            checkShape("positions[" + i + "]", positions[i].length, t);
            checkShape("documentIds[" + i + "]", documentIds[i].length, t);
            checkShape("lossMask[" + i + "]", lossMask[i].length, t);
        }
    }

    private static void checkShape(String what, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("SequenceBatch." + what + " has length " + actual + ", expected " + expected);
        }
    }

    /** B. */
    public int batchSize() {
        return inputTokens.length;
    }

    /** T. */
    public int sequenceLength() {
        return inputTokens[0].length;
    }

    /** How many targets count in the loss (true entries of {@link #lossMask()}). */
    public int countedTargets() {
        int n = 0;
        for (boolean[] row : lossMask) {
            for (boolean m : row) {
                if (m) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Plain language-model sequences: each row holds T+1 tokens, inputs are the first T, targets the last T,
     * positions 0..T-1, one document per row, every target counted.
     */
    public static SequenceBatch ofSequences(int[][] tokens) {
        int b = tokens.length;
        int t = tokens[0].length - 1;
        int[][] in = new int[b][t];
        int[][] tg = new int[b][t];
        int[][] pos = new int[b][t];
        int[][] doc = new int[b][t];
        boolean[][] mask = new boolean[b][t];
        for (int i = 0; i < b; i++) {
            if (tokens[i].length != t + 1) {
                throw new IllegalArgumentException("all sequences need the same length, row " + i + " has " + tokens[i].length);
            }
            System.arraycopy(tokens[i], 0, in[i], 0, t);
            System.arraycopy(tokens[i], 1, tg[i], 0, t);
            for (int j = 0; j < t; j++) {
                pos[i][j] = j;
                mask[i][j] = true;
            }
        }
        return new SequenceBatch(in, tg, pos, doc, mask);
    }

    /** Positions that restart at 0 wherever the document id changes along a row. */
    public static int[] positionsRestartingPerDocument(int[] documentIds) {
        int[] pos = new int[documentIds.length];
        for (int t = 1; t < pos.length; t++) {
            pos[t] = documentIds[t] == documentIds[t - 1] ? pos[t - 1] + 1 : 0;
        }
        return pos;
    }
}
