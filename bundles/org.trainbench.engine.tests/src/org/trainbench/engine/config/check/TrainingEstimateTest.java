package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.tensor.Parameter;

class TrainingEstimateTest {

    private static final LlamaArchitecture SMALL = LlamaArchitecture.llama(300, 48, 3, 6, 3, 100);

    private static TrainingEstimate fp32(long params, int zeroStage, int dp) {
        return new TrainingEstimate(params, 3, 48, 100, 300, 64, 2, 2 * 64 * 4, dp, zeroStage, 4);
    }

    @Test
    void fp32WeightsGradientsAndAdamMomentsEqualTheBytesOfTheRealParameterArrays() {
        LlamaModel model = LlamaModel.create(SMALL, 1);
        long floats = 0;
        for (Parameter p : model.parameters()) {
            floats += p.data().length;
        }
        TrainingEstimate e = fp32(floats, 0, 1);
        assertEquals(4 * floats, e.weightBytes());
        assertEquals(4 * floats, e.gradientBytes());
        assertEquals(8 * floats, e.optimizerStateBytes(), "no master copy in fp32, two moments");
        assertEquals(floats, SMALL.parameterCount());
    }

    @Test
    void zeroStagesShardOptimizerThenGradientsThenWeights() {
        long n = 1_000_000;
        TrainingEstimate s1 = new TrainingEstimate(n, 1, 8, 8, 8, 8, 1, 8, 4, 1, 2);
        assertEquals(2 * n, s1.weightBytes());
        assertEquals(2 * n, s1.gradientBytes());
        assertEquals(12 * n / 4, s1.optimizerStateBytes());
        TrainingEstimate s2 = new TrainingEstimate(n, 1, 8, 8, 8, 8, 1, 8, 4, 2, 2);
        assertEquals(2 * n / 4, s2.gradientBytes());
        assertEquals(2 * n, s2.weightBytes());
        TrainingEstimate s3 = new TrainingEstimate(n, 1, 8, 8, 8, 8, 1, 8, 4, 3, 2);
        assertEquals(2 * n / 4, s3.weightBytes());
    }

    @Test
    void flopsPerTokenIsTheFormulaModelBenchmarkPrints() {
        int t = 256;
        double benchmark = 6.0 * SMALL.parameterCount() + 12.0 * SMALL.numLayers() * SMALL.hiddenSize() * (t / 2.0);
        TrainingEstimate e = new TrainingEstimate(SMALL.parameterCount(), 3, 48, 100, 300, t, 8, 8 * t, 1, 0, 4);
        assertEquals(benchmark, e.flopsPerToken());
        assertEquals(benchmark * 8 * t, e.flopsPerStep());
    }

    @Test
    void the8bShapeAt480x4096TakesAboutFourSecondsPerStepOn64H100AtFortyPercent() {
        long n = 8_030_261_248L;
        TrainingEstimate e = new TrainingEstimate(n, 32, 4096, 14336, 128256, 4096, 4, 480L * 4096, 64, 2, 2);
        double flopsPerToken = 6.0 * n + 12.0 * 32 * 4096 * 2048;
        double expected = flopsPerToken * 480 * 4096 / (989e12 * 0.40 * 64);
        assertEquals(expected, e.secondsPerStep(TrainingEstimate.Gpu.H100_SXM, 64, TrainingEstimate.DEFAULT_MFU), 1e-9);
        assertEquals(3.99, e.secondsPerStep(TrainingEstimate.Gpu.H100_SXM, 64, 0.40), 0.01);
        assertEquals(2 * n, e.weightBytes());
    }

    @Test
    void theFromScratchExampleGivesTheLlama8bCountAndItsBatchShape() throws Exception {
        String text = Files.readString(TestFixtures.repositoryRoot().resolve("examples/llama-3.1-8b-pretrain-from-scratch.yaml"));
        TrainingEstimate e = TrainingEstimate.of(YamlParser.parse(text), 8).orElseThrow();
        assertEquals(8_030_261_248L, e.parameterCount());
        assertEquals(480L * 4096, e.tokensPerStep());
        assertEquals(4, e.microBatchSize());
        assertEquals(2, e.zeroStage());
        assertEquals(2, e.trainingDtypeBytes());
        assertEquals(32, e.numLayers());
        assertEquals(2 * 8_030_261_248L / 8, e.gradientBytes());
    }
}
