package org.trainbench.engine.train.sampling;

import java.util.List;

import org.trainbench.engine.model.SequenceBatch;

/**
 * How packed samples become the model's input: attention across documents or not, loss on span tokens or not.
 *
 * <p>For a sample of S tokens the model sees T = S - 1 positions: input token t, target token t + 1. The target
 * counts in the loss unless it is padding, it starts another document piece than the input's (the first token of a
 * document cannot be predicted from the previous document: Fast-LLM masks these cross-document predictions), or
 * {@code useLossMaskingSpans} is on and the target lies inside a loss-masking span.
 *
 * @param crossDocumentAttention {@code batch.cross_document_attention}: when false each position attends only to
 *                               its own document piece and rotary positions restart at 0 with each piece
 * @param useLossMaskingSpans    {@code data.sampling.use_loss_masking_spans}
 */
public record BatchLayout(boolean crossDocumentAttention, boolean useLossMaskingSpans) {

    /** The micro-batch made of these samples, in order. */
    public SequenceBatch toBatch(List<PackedSequence> samples) {
        int rows = samples.size();
        int length = samples.get(0).size() - 1;
        int[][] inputs = new int[rows][length];
        int[][] targets = new int[rows][length];
        int[][] positions = new int[rows][];
        int[][] documentIds = new int[rows][length];
        boolean[][] lossMask = new boolean[rows][length];
        for (int b = 0; b < rows; b++) {
            PackedSequence sample = samples.get(b);
            if (sample.size() != length + 1) {
                throw new IllegalArgumentException("samples of one batch must have the same length: " + sample.size() + " vs " + (length + 1));
            }
            int[] tokens = sample.tokens();
            int[] pieces = sample.pieces();
            System.arraycopy(tokens, 0, inputs[b], 0, length);
            System.arraycopy(tokens, 1, targets[b], 0, length);
            for (int t = 0; t < length; t++) {
                int target = t + 1;
                lossMask[b][t] = pieces[target] >= 0 && pieces[target] == pieces[t]
                        && !(useLossMaskingSpans && sample.inSpan()[target]);
                // Padding (-1) forms its own run, so real tokens never attend to it.
                documentIds[b][t] = crossDocumentAttention ? 0 : pieces[t];
            }
            if (crossDocumentAttention) {
                positions[b] = new int[length];
                for (int t = 0; t < length; t++) {
                    positions[b][t] = t;
                }
            } else {
                positions[b] = SequenceBatch.positionsRestartingPerDocument(documentIds[b]);
            }
        }
        return new SequenceBatch(inputs, targets, positions, documentIds, lossMask);
    }
}
