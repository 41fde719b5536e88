package org.trainbench.engine.cuda.train;

import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.model.SequenceBatch;

/**
 * A micro-batch's integers on the GPU, in one allocation reused from batch to batch: tokens, targets (-1 where the
 * loss mask does not count the position), positions and each row's document start, (N = B*T) ints each, with the
 * tokens kept on the host too (the embedding backward groups rows by token there). Same derivation as
 * {@code LlamaModel}'s: a document starts where the batch's document id changes within a sequence.
 */
final class DeviceBatch implements AutoCloseable {
    final int maxRows;
    final DeviceBuffer ints;
    final DeviceBuffer tokens;
    final DeviceBuffer targets;
    final DeviceBuffer positions;
    final DeviceBuffer docStart;
    final int[] hostTokens;
    private final int[] staging;
    int b;
    int t;
    int n;
    int counted;

    DeviceBatch(CudaContext context, int maxRows) {
        this.maxRows = maxRows;
        ints = context.allocate(16L * maxRows);
        tokens = ints.slice(0, 4L * maxRows);
        targets = ints.slice(4L * maxRows, 4L * maxRows);
        positions = ints.slice(8L * maxRows, 4L * maxRows);
        docStart = ints.slice(12L * maxRows, 4L * maxRows);
        hostTokens = new int[maxRows];
        staging = new int[4 * maxRows];
    }

    /** Uploads {@code batch}; positions must be below {@code maxPosition}. */
    void load(CudaContext context, SequenceBatch batch, int maxPosition) {
        b = batch.batchSize();
        t = batch.sequenceLength();
        n = b * t;
        if (n > maxRows) {
            throw new IllegalArgumentException("micro-batch of " + b + " x " + t + " tokens is larger than the " + maxRows
                    + " rows the GPU buffers were sized for (batch.micro_batch_size x batch.sequence_length)");
        }
        int count = 0;
        for (int s = 0; s < b; s++) {
            int[] docs = batch.documentIds()[s];
            int start = 0;
            for (int i = 0; i < t; i++) {
                int row = s * t + i;
                if (i > 0 && docs[i] != docs[i - 1]) {
                    start = i;
                }
                int position = batch.positions()[s][i];
                if (position < 0 || position >= maxPosition) {
                    throw new IllegalArgumentException("position " + position + " at sequence " + s + ", index " + i
                            + " is outside 0.." + (maxPosition - 1));
                }
                boolean isCounted = batch.lossMask()[s][i];
                count += isCounted ? 1 : 0;
                hostTokens[row] = batch.inputTokens()[s][i];
                staging[row] = hostTokens[row];
                staging[maxRows + row] = isCounted ? batch.targetTokens()[s][i] : -1;
                staging[2 * maxRows + row] = position;
                staging[3 * maxRows + row] = start;
            }
        }
        counted = count;
        context.copyToDevice(ints.address(), java.lang.foreign.MemorySegment.ofArray(staging), 16L * maxRows);
    }

    @Override
    public void close() {
        ints.close();
    }
}
