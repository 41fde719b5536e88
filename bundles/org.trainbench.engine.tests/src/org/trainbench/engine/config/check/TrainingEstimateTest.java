package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.TrainingConfigFile;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.TrainingPlans;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.optim.AdamW;

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
    void aBatchThatDoesNotSplitEvenlyOverTheGpusIsNamed() throws Exception {
        YamlNode tree = YamlParser.parse(Files.readString(TestFixtures.repositoryRoot().resolve("examples/llama-3.1-8b-pretrain-from-scratch.yaml")));
        TrainingEstimate on8 = TrainingEstimate.of(tree, 8).orElseThrow();
        assertEquals(480, on8.batchSize());
        assertEquals(15.0, on8.microBatchesPerGpu());
        assertTrue(on8.batchSplitProblem().isEmpty());
        TrainingEstimate on64 = TrainingEstimate.of(tree, 64).orElseThrow();
        assertEquals(1.875, on64.microBatchesPerGpu());
        String problem = on64.batchSplitProblem().orElseThrow();
        assertTrue(problem.startsWith("batch_size 480 is not a multiple of micro_batch_size 4 x 64 GPUs = 256"), problem);
        assertTrue(problem.contains("divides 120"), problem);
        assertTrue(TrainingEstimate.of(tree, 60).orElseThrow().batchSplitProblem().isEmpty(), "480 = 4 x 60 x 2");
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
    void the8bExampleOn64GpusGivesTheFiguresDocsEditorMdStates() throws Exception {
        // Hand-computed in docs/EDITOR.md, not from the code's formulas: a change of formula must show up here.
        TrainingEstimate e = TrainingEstimate.of(example("llama-3.1-8b-pretrain-from-scratch.yaml"), 64).orElseThrow();
        // 32 * 4 * 4096 * (6 * 4096 + 3 * 14336) * 2 bytes + fp32 logits 4 * 4096 * 128256 * 4
        assertEquals(79_272_345_600L, e.activationBytes());
        // 6 * 8,030,261,248 + 12 * 32 * 4096 * 2048
        assertEquals(51_402_792_960.0, e.flopsPerToken());
        assertEquals(16_060_522_496L, e.weightBytes(), "bf16 weights, not sharded at ZeRO stage 2");
        double totalGiB = e.memoryPerGpuBytes() / (double) (1L << 30);
        assertTrue(totalGiB > 90.35 && totalGiB < 90.45, "documented 90.4 GiB, got " + totalGiB);
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

    private static YamlNode example(String name) throws Exception {
        return YamlParser.parse(Files.readString(TestFixtures.repositoryRoot().resolve("examples/" + name)));
    }

    /**
     * A tiny Llama a run can start from (no data: train_iters 0), in the given dtype, tying and biases; ZeRO stage 1 by
     * default, which on one GPU shards nothing.
     */
    private static String tinyConfig(Path experiment, String dtype, boolean tied, boolean biases) {
        return """
                training:
                  train_iters: 0
                batch:
                  micro_batch_size: 2
                  sequence_length: 24
                  batch_size: 6
                model:
                  base_model:
                    vocab_size: 40
                    tie_word_embeddings: %s
                    transformer:
                      num_layers: 3
                      hidden_size: 32
                      num_attention_heads: 4
                      head_groups: 2
                      ffn_hidden_size: 72
                      gated: true
                      add_linear_biases: %s
                      normalization:
                        type: rms_norm
                      rotary:
                        type: default
                  distributed:
                    training_dtype: %s
                run:
                  experiment_dir: %s
                """.formatted(tied, biases, dtype, experiment);
    }

    /** Bytes of tensor data in a safetensors file: its size less the 8-byte header length and the JSON header. */
    private static long tensorDataBytes(Path safetensors) throws IOException {
        try (FileChannel channel = FileChannel.open(safetensors)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            return channel.size() - 8 - length.getLong(0);
        }
    }

    @ParameterizedTest(name = "tied {0}, biases {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void aTinyConfigsEstimateEqualsTheTrainersPlanTheRealModelAndItsCheckpointFiles(boolean tied, boolean biases, @TempDir Path temp)
            throws Exception {
        Path file = temp.resolve("tiny.yaml");
        Files.writeString(file, tinyConfig(temp.resolve("run"), "float32", tied, biases));
        TrainingConfigFile config = TrainingConfigFile.read(file, List.of());
        TrainingPlan plan = TrainingPlans.from(config.config(), null, note -> { });
        TrainingEstimate e = TrainingEstimate.of(YamlParser.parse(config.text()), 1).orElseThrow();

        LlamaModel model = LlamaModel.create(plan.architecture(), plan.modelSeed());
        long floats = 0;
        for (Parameter p : model.parameters()) {
            floats += p.data().length;
        }
        assertEquals(floats, e.parameterCount(), "the real model's parameter arrays");
        assertEquals(plan.tokensPerStep(), e.tokensPerStep(), "the trainer's tokens per step");
        assertEquals(plan.microBatchSize(), e.microBatchSize());
        assertEquals(plan.sequenceLength(), e.sequenceLength());

        AdamW adam = new AdamW(plan.optimizer(), model.parameters());
        Path checkpoint = new CheckpointStore(temp.resolve("run/checkpoints"), 0, message -> { })
                .save(1, model.parameters(), adam, Map.of("step", 1L));
        assertEquals(tensorDataBytes(checkpoint.resolve(CheckpointStore.MODEL_FILE)), e.weightBytes(),
                "fp32 weights: the checkpoint's model tensors");
        assertEquals(tensorDataBytes(checkpoint.resolve(CheckpointStore.OPTIMIZER_FILE)), e.optimizerStateBytes(),
                "fp32 training has no master copy: the optimizer state is the checkpoint's two Adam moments");
    }

    @Test
    void inBf16TheWeightsAreHalfTheFp32CheckpointAndTheOptimizerAddsAnFp32MasterCopy(@TempDir Path temp) throws Exception {
        TrainingEstimate fp32 = TrainingEstimate.of(YamlParser.parse(tinyConfig(temp, "float32", false, false)), 1).orElseThrow();
        TrainingEstimate bf16 = TrainingEstimate.of(YamlParser.parse(tinyConfig(temp, "bf16", false, false)), 1).orElseThrow();
        assertEquals(fp32.weightBytes() / 2, bf16.weightBytes());
        assertEquals(fp32.optimizerStateBytes() + fp32.weightBytes(), bf16.optimizerStateBytes());
    }

    @Test
    void theZeroStageOverrideAndTheGpuCountChangeOnlyTheShardedMemory() throws Exception {
        TrainingEstimate stage2 = TrainingEstimate.of(example("llama-3.1-8b-pretrain-from-scratch.yaml"), 8).orElseThrow();
        TrainingEstimate stage3 = stage2.withZeroStage(3);
        assertEquals(3, stage3.zeroStage());
        assertEquals(stage2.weightBytes() / 8, stage3.weightBytes());
        assertEquals(stage2.gradientBytes(), stage3.gradientBytes());
        assertEquals(stage2.activationBytes(), stage3.activationBytes());
        assertEquals(stage2.flopsPerStep(), stage3.flopsPerStep());
        TrainingEstimate on64 = stage2.withDataParallelSize(64);
        assertEquals(2 * 8_030_261_248L / 64, on64.gradientBytes());
        assertEquals(stage2.weightBytes(), on64.weightBytes(), "stage 2 does not shard weights");
        assertTrue(on64.memoryPerGpuBytes() < stage2.memoryPerGpuBytes());
    }

    @Test
    void aCompleteConfigHasNoMissingKeys() throws Exception {
        assertEquals(List.of(), TrainingEstimate.missingKeys(example("llama-3.1-8b-pretrain-from-scratch.yaml")));
    }

    @Test
    void withoutAnArchitectureTheTransformerSectionIsNamedAsMissing() throws Exception {
        YamlNode config = example("llama-3.1-8b-pretrain.yaml");
        assertEquals(List.of("model.base_model.transformer"), TrainingEstimate.missingKeys(config).stream()
                .map(TrainingEstimate.MissingKey::key).toList());
        assertTrue(TrainingEstimate.of(config, 8).isEmpty());
    }

    @Test
    void aPretrainedConfigMustWriteTheArchitectureKeysTheEstimateNeeds() throws Exception {
        List<String> missing = TrainingEstimate.missingKeys(example("llama-3.1-8b-pretrain-pretrained.yaml")).stream()
                .map(TrainingEstimate.MissingKey::key).toList();
        assertEquals(List.of("model.base_model.transformer.hidden_size", "model.base_model.transformer.num_layers",
                "model.base_model.transformer.num_attention_heads", "model.base_model.transformer.head_groups",
                "model.base_model.transformer.ffn_hidden_size"), missing);
    }

    @Test
    void missingAndInvalidBatchKeysAreNamedWithWhatIsExpected(@TempDir Path temp) throws Exception {
        String complete = tinyConfig(temp, "bf16", false, false);
        List<TrainingEstimate.MissingKey> noBatchSize = TrainingEstimate.missingKeys(YamlParser.parse(
                complete.replace("  batch_size: 6\n", "")));
        assertEquals(List.of(new TrainingEstimate.MissingKey("batch.batch_size", "not written")), noBatchSize);
        List<TrainingEstimate.MissingKey> badLength = TrainingEstimate.missingKeys(YamlParser.parse(
                complete.replace("sequence_length: 24", "sequence_length: long")));
        assertEquals(List.of(new TrainingEstimate.MissingKey("batch.sequence_length", "an integer")), badLength);
        List<TrainingEstimate.MissingKey> badLayers = TrainingEstimate.missingKeys(YamlParser.parse(
                complete.replace("num_layers: 3", "num_layers: three")));
        assertEquals(1, badLayers.size(), badLayers.toString());
        assertEquals("model.base_model.transformer.num_layers", badLayers.get(0).key());
    }

    @Test
    void the8bShapeAtMicroBatch4FitsOnAnH200ButNotOnAnH100AndATinyModelFitsAnywhere(@TempDir Path temp) throws Exception {
        TrainingEstimate e = TrainingEstimate.of(example("llama-3.1-8b-pretrain-from-scratch.yaml"), 64).orElseThrow();
        long total = e.memoryPerGpuBytes();
        assertTrue(total > TrainingEstimate.Gpu.H100_SXM.memoryBytes && total < TrainingEstimate.Gpu.H200.memoryBytes, Long.toString(total));
        assertEquals(false, e.fitsOn(TrainingEstimate.Gpu.H100_SXM));
        assertEquals(true, e.fitsOn(TrainingEstimate.Gpu.H200));
        assertEquals(81_559L * 1024 * 1024, TrainingEstimate.Gpu.H100_SXM.memoryBytes);
        TrainingEstimate tiny = TrainingEstimate.of(YamlParser.parse(tinyConfig(temp, "bf16", false, false)), 1).orElseThrow();
        for (TrainingEstimate.Gpu gpu : TrainingEstimate.Gpu.values()) {
            assertTrue(tiny.fitsOn(gpu), gpu.label);
        }
    }

    /** The Llama 3.1 8B shape as its Hugging Face config.json describes it. */
    private static final LlamaArchitecture LLAMA_8B = LlamaArchitecture.llama(128_256, 4096, 32, 32, 8, 14_336)
            .withRotary(LlamaArchitecture.Rotary.llama3(500_000));

    @Test
    void theSftExampleReadsThePretrainedModelsConfigJsonBesideItAsTheRunDoes(@TempDir Path temp) throws Exception {
        Path config = temp.resolve("llama-3.1-8b-sft-train.yaml");
        Files.copy(TestFixtures.repositoryRoot().resolve("examples/llama-3.1-8b-sft-train.yaml"), config);
        YamlNode tree = YamlParser.parse(Files.readString(config));
        List<String> withoutModel = TrainingEstimate.missingKeys(tree, config).stream().map(TrainingEstimate.MissingKey::reason).toList();
        assertEquals(5, withoutModel.size(), withoutModel.toString());
        assertTrue(withoutModel.get(0).contains("config.json"), withoutModel.get(0));

        // pretrained.path is ./sft-tutorial/Llama-3.1-8B, read against the config's directory.
        Path model = Files.createDirectories(temp.resolve("sft-tutorial/Llama-3.1-8B"));
        new HfLlamaConfig(LLAMA_8B, 131_072, 128_000, List.of(128_001)).write(model, "bfloat16");
        TrainingEstimate e = TrainingEstimate.of(tree, 8, config).orElseThrow();
        assertEquals(8_030_261_248L, e.parameterCount());
        assertEquals(LLAMA_8B.parameterCount(), e.parameterCount());
        assertEquals(32, e.numLayers());
        assertEquals(3, e.zeroStage());
        assertEquals(32L * 4096, e.tokensPerStep(), "batch_size 32 of 4096 tokens");
        assertEquals(List.of(), TrainingEstimate.missingKeys(tree, config));
        assertTrue(TrainingEstimate.of(tree, 8).isEmpty(), "without the config file nothing is read");
    }

    @Test
    void aPretrainedTinyModelsEstimateEqualsTheArchitectureTheTrainerReadsAndItsRealParameters(@TempDir Path temp) throws Exception {
        LlamaArchitecture tiny = LlamaArchitecture.llama(40, 32, 3, 4, 2, 72);
        Path model = Files.createDirectories(temp.resolve("model"));
        new HfLlamaConfig(tiny, 64, null, List.of()).write(model, "float32");
        Path file = temp.resolve("sft.yaml");
        Files.writeString(file, """
                training:
                  train_iters: 0
                batch:
                  micro_batch_size: 1
                  sequence_length: 16
                  batch_size: 4
                pretrained:
                  format: llama
                  path: model
                  model_weights: no
                model:
                  distributed:
                    training_dtype: float32
                run:
                  experiment_dir: %s
                """.formatted(temp.resolve("run")));
        TrainingConfigFile config = TrainingConfigFile.read(file, List.of());
        TrainingPlan plan = TrainingPlans.from(config.config(), null, note -> { });
        TrainingEstimate e = TrainingEstimate.of(YamlParser.parse(config.text()), 1, file).orElseThrow();
        long floats = 0;
        for (Parameter p : LlamaModel.create(plan.architecture(), 1).parameters()) {
            floats += p.data().length;
        }
        assertEquals(floats, e.parameterCount());
        assertEquals(4 * floats, e.weightBytes());
        assertEquals(plan.tokensPerStep(), e.tokensPerStep());
    }
}
