package org.trainbench.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.tensor.Parameter;

class LlamaModelTest {

    /** Tiny but complete: GQA (4 heads, 2 groups), head dim 6 not equal to hidden/heads, biases, untied head, llama3 rope. */
    static LlamaArchitecture tinyArchitecture() {
        return new LlamaArchitecture(11, 8, 2, 4, 2, 6, 12, true, LlamaArchitecture.Activation.SILU, true, 1e-5, false,
                new LlamaArchitecture.Rotary(LlamaArchitecture.Rotary.Type.LLAMA3, 10_000, 8, 1, 4, 4), 0.3);
    }

    /** Two sequences of 6; the first packs two documents with positions restarting and a masked boundary target. */
    static SequenceBatch packedBatch() {
        int[][] in = {{1, 4, 2, 9, 3, 3}, {5, 0, 7, 10, 8, 6}};
        int[][] tg = {{4, 2, 9, 3, 3, 1}, {0, 7, 10, 8, 6, 2}};
        int[][] pos = {{0, 1, 2, 0, 1, 2}, {0, 1, 2, 3, 4, 5}};
        int[][] doc = {{0, 0, 0, 1, 1, 1}, {2, 2, 2, 2, 2, 2}};
        boolean[][] mask = {{true, true, false, true, false, true}, {true, true, true, true, true, true}};
        return new SequenceBatch(in, tg, pos, doc, mask);
    }

    @Test
    void fullModelGradientMatchesFp64FiniteDifferencesOfTheReference() {
        checkFullModelGradient(tinyArchitecture(), 42);
    }

    @Test
    void fullModelGradientWithTiedEmbeddingsAndDefaultRotaryMatchesFiniteDifferences() {
        LlamaArchitecture arch = tinyArchitecture().withTiedEmbeddings(true).withLinearBiases(false)
                .withRotary(LlamaArchitecture.Rotary.defaultScaling(10_000));
        checkFullModelGradient(arch, 7);
    }

    private static void checkFullModelGradient(LlamaArchitecture arch, long seed) {
        LlamaModel model = LlamaModel.create(arch, seed);
        // Norm weights of 1 and zero biases would leave some paths untested: perturb them.
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (Parameter p : model.parameters()) {
            if (!p.name().endsWith("proj.weight") && !p.name().contains("embed") && !p.name().equals("lm_head.weight")) {
                for (int i = 0; i < p.size(); i++) {
                    p.data()[i] += (float) (0.2 * (r.nextDouble() - 0.5));
                }
            }
        }
        SequenceBatch batch = packedBatch();
        float scale = 0.5f;
        float loss = model.forwardBackward(batch, scale);
        Map<String, double[]> w = ReferenceLlama.weights(model);
        double reference = ReferenceLlama.loss(arch, w, batch);
        assertEquals(reference, loss, 1e-5 * reference, "loss equals the fp64 reference");
        for (Parameter p : model.parameters()) {
            double[] values = w.get(p.name());
            double[] numeric = GradientAssertions.numericGradient(values, v -> scale * ReferenceLlama.loss(arch, w, batch));
            GradientAssertions.assertClose(p.name(), p.grad(), numeric, 1e-4);
        }
    }

    @Test
    void gradientsAccumulateAcrossCallsScaledByLossScale() {
        LlamaModel model = LlamaModel.create(tinyArchitecture(), 3);
        SequenceBatch batch = packedBatch();
        model.forwardBackward(batch, 1f);
        float[] once = model.parameter("model.layers.1.mlp.up_proj.weight").grad().clone();
        model.zeroGrad();
        model.forwardBackward(batch, 0.25f);
        model.forwardBackward(batch, 0.75f);
        float[] twice = model.parameter("model.layers.1.mlp.up_proj.weight").grad();
        for (int i = 0; i < once.length; i++) {
            assertEquals(once[i], twice[i], 1e-5 * Math.abs(once[i]) + 1e-9);
        }
    }

    @Test
    void sameInputsGiveBitIdenticalLossAndGradients() {
        LlamaArchitecture arch = tinyArchitecture();
        LlamaModel a = LlamaModel.create(arch, 5);
        LlamaModel b = LlamaModel.create(arch, 5);
        float la = a.forwardBackward(packedBatch(), 1f);
        float lb = b.forwardBackward(packedBatch(), 1f);
        assertEquals(Float.floatToIntBits(la), Float.floatToIntBits(lb));
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i).grad(), b.parameters().get(i).grad(), a.parameters().get(i).name());
        }
    }

    @Test
    void repeatsBitForBitAfterTheJitHasCompiledTheHotLoops() {
        // The first call runs mostly interpreted, the last compiled: exp and lane sums must round the same in both.
        LlamaModel model = LlamaModel.create(tinyArchitecture().withKvChannels(40), 8);
        SequenceBatch batch = packedBatch();
        float first = model.forwardBackward(batch, 1f);
        Map<String, float[]> firstGrads = grads(model);
        for (int i = 0; i < 400; i++) {
            model.forwardBackward(batch, 1f);
        }
        model.zeroGrad();
        assertEquals(Float.floatToIntBits(first), Float.floatToIntBits(model.forwardBackward(batch, 1f)));
        for (Parameter p : model.parameters()) {
            assertArrayEquals(firstGrads.get(p.name()), p.grad(), p.name());
        }
    }

    @Test
    void crossDocumentMaskingEqualsRunningDocumentsSeparately() {
        LlamaArchitecture arch = tinyArchitecture().withLinearBiases(false);
        int[] docA = {1, 4, 2, 9, 3};
        int[] docB = {7, 7, 0, 5, 8, 2, 6};
        // Packed: A then B in one row, positions restart, the target crossing from A into B is masked.
        int[] in = new int[11];
        int[] tg = new int[11];
        int[] pos = new int[11];
        int[] doc = new int[11];
        boolean[] mask = new boolean[11];
        for (int i = 0; i < 4; i++) {
            in[i] = docA[i];
            tg[i] = docA[i + 1];
            pos[i] = i;
            mask[i] = true;
        }
        in[4] = docA[4];
        pos[4] = 4;
        for (int i = 0; i < 6; i++) {
            in[5 + i] = docB[i];
            tg[5 + i] = docB[i + 1];
            pos[5 + i] = i;
            doc[5 + i] = 1;
            mask[5 + i] = true;
        }
        SequenceBatch packed = new SequenceBatch(new int[][] {in}, new int[][] {tg}, new int[][] {pos}, new int[][] {doc},
                new boolean[][] {mask});
        LlamaModel model = LlamaModel.create(arch, 11);
        float[] packedLogits = model.logits(packed);
        float[] logitsA = model.logits(docA);
        float[] logitsB = model.logits(docB);
        int v = arch.vocabSize();
        for (int i = 0; i < 5 * v; i++) {
            assertEquals(logitsA[i], packedLogits[i], 1e-5f);
        }
        for (int i = 0; i < 6 * v; i++) { // B's last token is not an input of the packed row
            assertEquals(logitsB[i], packedLogits[5 * v + i], 1e-5f);
        }
        // Gradients: packed mean over 10 targets = (4 * meanA + 6 * meanB) / 10.
        float lossPacked = model.forwardBackward(packed, 1f);
        Map<String, float[]> gradPacked = grads(model);
        model.zeroGrad();
        float lossA = model.forwardBackward(SequenceBatch.ofSequences(new int[][] {docA}), 0.4f);
        float lossB = model.forwardBackward(SequenceBatch.ofSequences(new int[][] {docB}), 0.6f);
        assertEquals(0.4f * lossA + 0.6f * lossB, lossPacked, 1e-5f);
        for (Parameter p : model.parameters()) {
            float[] expected = p.grad();
            float[] got = gradPacked.get(p.name());
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5f, p.name() + "[" + i + "]");
            }
        }
    }

    private static Map<String, float[]> grads(LlamaModel model) {
        Map<String, float[]> g = new java.util.HashMap<>();
        for (Parameter p : model.parameters()) {
            g.put(p.name(), p.grad().clone());
        }
        return g;
    }

    @Test
    void lossMaskedTargetsContributeNothing() {
        LlamaModel model = LlamaModel.create(tinyArchitecture(), 13);
        SequenceBatch batch = packedBatch();
        float loss = model.forwardBackward(batch, 1f);
        Map<String, float[]> before = grads(model);
        // Change every masked target: loss and gradients must not move by a single bit.
        int[][] targets = new int[2][];
        for (int s = 0; s < 2; s++) {
            targets[s] = batch.targetTokens()[s].clone();
            for (int i = 0; i < targets[s].length; i++) {
                if (!batch.lossMask()[s][i]) {
                    targets[s][i] = (targets[s][i] + 5) % 11;
                }
            }
        }
        SequenceBatch changed = new SequenceBatch(batch.inputTokens(), targets, batch.positions(), batch.documentIds(), batch.lossMask());
        model.zeroGrad();
        assertEquals(Float.floatToIntBits(loss), Float.floatToIntBits(model.forwardBackward(changed, 1f)));
        for (Parameter p : model.parameters()) {
            assertArrayEquals(before.get(p.name()), p.grad(), p.name());
        }
        // And a batch with no counted target adds nothing at all.
        model.zeroGrad();
        boolean[][] none = new boolean[2][6];
        assertEquals(0f, model.forwardBackward(new SequenceBatch(batch.inputTokens(), targets, batch.positions(),
                batch.documentIds(), none), 1f));
        for (Parameter p : model.parameters()) {
            for (float g : p.grad()) {
                assertEquals(0f, g, p.name());
            }
        }
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadAttentionWithRepeatedKeyValueHeads() {
        LlamaArchitecture gqa = tinyArchitecture();
        LlamaArchitecture mha = new LlamaArchitecture(gqa.vocabSize(), gqa.hiddenSize(), gqa.numLayers(), gqa.numAttentionHeads(),
                gqa.numAttentionHeads(), gqa.kvChannels(), gqa.ffnHiddenSize(), true, gqa.activation(), gqa.addLinearBiases(),
                gqa.normEpsilon(), gqa.tieWordEmbeddings(), gqa.rotary(), gqa.initStd());
        LlamaModel grouped = LlamaModel.create(gqa, 17);
        LlamaModel full = LlamaModel.empty(mha);
        int d = gqa.kvChannels();
        int repeat = gqa.numAttentionHeads() / gqa.headGroups();
        int c = gqa.hiddenSize();
        for (Parameter p : full.parameters()) {
            Parameter src = grouped.parameter(p.name());
            boolean kv = p.name().contains("k_proj") || p.name().contains("v_proj");
            if (!kv) {
                System.arraycopy(src.data(), 0, p.data(), 0, p.size());
                continue;
            }
            int rowWidth = p.name().endsWith("weight") ? c : 1;
            for (int h = 0; h < mha.numAttentionHeads(); h++) {
                System.arraycopy(src.data(), (h / repeat) * d * rowWidth, p.data(), h * d * rowWidth, d * rowWidth);
            }
        }
        SequenceBatch batch = packedBatch();
        float[] a = grouped.logits(batch);
        float[] b = full.logits(batch);
        assertArrayEquals(a, b, 1e-6f);
        // The grouped k_proj gradient is the sum of the repeated heads' gradients.
        grouped.forwardBackward(batch, 1f);
        full.forwardBackward(batch, 1f);
        float[] gk = grouped.parameter("model.layers.0.self_attn.k_proj.weight").grad();
        float[] fk = full.parameter("model.layers.0.self_attn.k_proj.weight").grad();
        for (int g = 0; g < gqa.headGroups(); g++) {
            for (int i = 0; i < d * c; i++) {
                float sum = 0;
                for (int r = 0; r < repeat; r++) {
                    sum += fk[(g * repeat + r) * d * c + i];
                }
                assertEquals(sum, gk[g * d * c + i], 1e-5f);
            }
        }
    }

    @Test
    void logitsMatchTheFp64Reference() {
        LlamaArchitecture arch = tinyArchitecture();
        LlamaModel model = LlamaModel.create(arch, 21);
        SequenceBatch batch = packedBatch();
        float[] logits = model.logits(batch);
        double[] expected = ReferenceLlama.logits(arch, ReferenceLlama.weights(model), batch);
        for (int i = 0; i < logits.length; i++) {
            assertEquals(expected[i], logits[i], 1e-5, "logit " + i);
        }
    }

    @Test
    void cachedDecodingMatchesFullForwardAndGreedyPicksTheArgmax() {
        LlamaArchitecture arch = tinyArchitecture(); // with biases, so the one-row path adds them too
        LlamaModel model = LlamaModel.create(arch, 23);
        int[] prompt = {3, 1, 4, 1, 5};
        int[] generated = model.generate(prompt, 6, 0f, 0L);
        assertEquals(6, generated.length);
        int[] sequence = java.util.Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, sequence, prompt.length, generated.length);
        float[] full = model.logits(sequence);
        int v = arch.vocabSize();
        LlamaModel.Decoder decoder = model.decoder(sequence.length);
        float[] step = decoder.prefill(prompt);
        for (int i = 0; i < generated.length; i++) {
            int row = prompt.length - 1 + i;
            float[] expected = java.util.Arrays.copyOfRange(full, row * v, (row + 1) * v);
            assertArrayEquals(expected, step, 1e-5f, "logits after " + (row + 1) + " tokens");
            assertEquals(LlamaModel.argmax(expected), generated[i], "greedy token " + i);
            step = decoder.step(generated[i]);
        }
    }

    @Test
    void generationStopsAfterAStopTokenAndSamplingIsSeeded() {
        LlamaModel model = LlamaModel.create(tinyArchitecture(), 29);
        int[] greedy = model.generate(new int[] {2, 3}, 8, 0f, 0L);
        int[] stopped = model.generate(new int[] {2, 3}, 8, 0f, 0L, greedy[2]);
        int firstStop = 0;
        while (greedy[firstStop] != greedy[2]) {
            firstStop++;
        }
        assertArrayEquals(java.util.Arrays.copyOf(greedy, firstStop + 1), stopped);
        assertArrayEquals(model.generate(new int[] {2, 3}, 8, 1.5f, 99L), model.generate(new int[] {2, 3}, 8, 1.5f, 99L));
    }

    @Test
    void initializationFollowsFastLlmStandardDeviations() {
        LlamaArchitecture arch = new LlamaArchitecture(500, 256, 4, 4, 2, 64, 512, true, LlamaArchitecture.Activation.SILU,
                false, 1e-5, false, LlamaArchitecture.Rotary.defaultScaling(10_000), LlamaArchitecture.defaultInitStd(256));
        LlamaModel model = LlamaModel.create(arch, 1);
        assertEquals(1 / 16.0, std(model.parameter("model.layers.0.self_attn.q_proj.weight")), 0.002);
        assertEquals(1 / 16.0, std(model.parameter("model.embed_tokens.weight")), 0.002);
        assertEquals(1 / 16.0 / Math.sqrt(8), std(model.parameter("model.layers.3.mlp.down_proj.weight")), 0.001);
        assertEquals(1 / 16.0 / Math.sqrt(8), std(model.parameter("model.layers.1.self_attn.o_proj.weight")), 0.001);
        for (float x : model.parameter("model.layers.2.post_attention_layernorm.weight").data()) {
            assertEquals(1f, x);
        }
        assertNotEquals(model.parameter("model.layers.0.mlp.up_proj.weight").data()[0],
                model.parameter("model.layers.1.mlp.up_proj.weight").data()[0]);
        assertArrayEquals(model.parameter("lm_head.weight").data(), LlamaModel.create(arch, 1).parameter("lm_head.weight").data());
        long count = 0;
        for (Parameter p : model.parameters()) {
            count += p.size();
            assertEquals(!p.name().contains("norm") && !p.name().endsWith("bias"), p.weightDecay(), p.name());
        }
        assertEquals(arch.parameterCount(), count);
    }

    private static double std(Parameter p) {
        double s = 0;
        for (float x : p.data()) {
            s += (double) x * x;
        }
        return Math.sqrt(s / p.size());
    }

    @Test
    void llama31EightBillionParameterCount() {
        LlamaArchitecture arch = new LlamaArchitecture(128256, 4096, 32, 32, 8, 128, 14336, true,
                LlamaArchitecture.Activation.SILU, false, 1e-5, false, LlamaArchitecture.Rotary.llama3(500_000),
                LlamaArchitecture.defaultInitStd(4096));
        assertEquals(8_030_261_248L, arch.parameterCount());
        assertEquals(500_000, LlamaArchitecture.Rotary.thetaFromEmbeddingScale(-13.122363377404328), 1e-6);
    }

    @Test
    void invalidShapesAndTokensAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LlamaArchitecture(10, 8, 1, 3, 2, 4, 8, true,
                LlamaArchitecture.Activation.SILU, false, 1e-5, false, LlamaArchitecture.Rotary.defaultScaling(10_000), 0.02));
        assertTrue(e.getMessage().contains("head_groups"), e.getMessage());
        LlamaModel model = LlamaModel.create(tinyArchitecture(), 1);
        e = assertThrows(IllegalArgumentException.class, () -> model.logits(new int[] {1, 11}));
        assertTrue(e.getMessage().contains("11"), e.getMessage());
    }
}
