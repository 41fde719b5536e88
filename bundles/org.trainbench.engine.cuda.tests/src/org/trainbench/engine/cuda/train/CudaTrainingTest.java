package org.trainbench.engine.cuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.cuda.GpuAvailability;
import org.trainbench.engine.cuda.check.Comparison;
import org.trainbench.engine.cuda.check.TrainingStepCheck;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.RunOutcome;
import org.trainbench.engine.train.StopSignal;
import org.trainbench.engine.train.backend.BackendUnavailableException;
import org.trainbench.engine.train.backend.Backends;
import org.trainbench.engine.train.backend.CpuBackend;
import org.trainbench.engine.train.demo.DemoRun;
import org.trainbench.engine.train.optim.AdamW;

/**
 * The cuda backend as the trainer uses it: the whole step against {@code LlamaModel} (tolerances justified in
 * {@link TrainingStepCheck}), a demo trained on the GPU that answers right, and a GPU checkpoint resumed on the CPU.
 * GPU tests skip without an NVIDIA driver; the refusals of unsupported configs run everywhere.
 */
class CudaTrainingTest {
    @TempDir
    Path temp;

    @BeforeEach
    void seeTheCudaBundleAsAPlainClassPathWould() {
        // a plain JVM (the CLI) has one class path; under OSGi the engine finds the backend through the context loader
        Thread.currentThread().setContextClassLoader(CudaBackendProvider.class.getClassLoader());
    }

    @Test
    void theBackendIsFoundByNameThroughTheServiceLoader() {
        assertEquals(CudaBackendProvider.class, Backends.named("cuda").getClass());
    }

    @Test
    void unsupportedConfigsAreRefusedNamingTheKeyBeforeAnyGpuWork() {
        LlamaArchitecture odd = LlamaArchitecture.llama(64, 96, 1, 4, 2, 128).withKvChannels(24);
        BackendUnavailableException width = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.checkSupported(odd, TrainingDtype.BFLOAT16));
        assertTrue(width.getMessage().contains("kv_channels is 24"), width.getMessage());
        BackendUnavailableException half = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.checkSupported(LlamaArchitecture.llama(64, 64, 1, 2, 1, 128), TrainingDtype.FLOAT16));
        assertTrue(half.getMessage().contains("float16"), half.getMessage());
    }

    @Test
    void theFloat32StepMatchesTheCpuModelLossAndEveryGradient() {
        GpuAvailability.assumeGpu();
        TrainingStepCheck.Result result = TrainingStepCheck.run(TrainingDtype.FLOAT32, 10);
        for (Comparison c : result.comparisons()) {
            assertTrue(c.passed(), c.toString());
        }
    }

    @Test
    void theBfloat16StepStaysWithinBf16RoundingOfTheCpuModel() {
        GpuAvailability.assumeGpu();
        TrainingStepCheck.Result result = TrainingStepCheck.run(TrainingDtype.BFLOAT16, 10);
        for (Comparison c : result.comparisons()) {
            assertTrue(c.passed(), c.toString());
        }
    }

    @Test
    void aDemoTrainedOnTheGpuAnswersAndItsCheckpointResumesOnTheCpu() throws Exception {
        GpuAvailability.assumeGpu();
        Path dir = temp.resolve("demo");
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log, true);
        List<String> overrides = List.of("model.base_model.transformer.kv_channels=32", "model.distributed.training_dtype=bf16",
                "training.train_iters=300", "training.checkpoint.interval=100");
        DemoRun.Result gpu = new DemoRun(dir, out, out, Backends.named("cuda")).run(true, overrides, new StopSignal(), false);
        assertEquals(RunOutcome.Status.FINISHED, gpu.outcome().status(), log.toString());
        assertTrue(gpu.lastLoss() < 0.5 * gpu.firstLoss(), "the loss falls on the GPU: " + gpu.firstLoss() + " -> " + gpu.lastLoss());
        assertTrue(log.toString().contains("backend cuda:"), log.toString());
        // the same run directory continued for 20 more steps on the CPU from the GPU's step-300 checkpoint
        List<String> longer = List.of("model.base_model.transformer.kv_channels=32", "model.distributed.training_dtype=bf16",
                "training.train_iters=320", "training.checkpoint.interval=100");
        DemoRun.Result cpu = new DemoRun(dir, out, out, CpuBackend.PROVIDER).run(false, longer, new StopSignal(), false);
        assertEquals(RunOutcome.Status.FINISHED, cpu.outcome().status(), log.toString());
        assertEquals(320, cpu.outcome().step());
        List<Map<String, Object>> events = metrics(dir);
        Map<String, Object> resumed = events.stream().filter(e -> "started".equals(e.get("event"))
                && e.get("resumed_from_step") instanceof Number from && from.intValue() == 300).findFirst()
                .orElseThrow(() -> new AssertionError(log));
        assertTrue(String.valueOf(resumed.get("backend")).startsWith("cpu"), resumed.toString());
        assertTrue(cpu.lastLoss() < 2 * gpu.lastLoss() + 0.05, "the CPU continues where the GPU stopped: " + gpu.lastLoss() + " -> "
                + cpu.lastLoss());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metrics(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8).stream()
                .map(line -> (Map<String, Object>) Json.parse(line)).toList();
    }

    private static final String KV32 = "model.base_model.transformer.kv_channels=32";
    private static final String BF16 = "model.distributed.training_dtype=bf16";

    private DemoRun.Result demo(Path dir, StringWriter log, boolean fresh, String... overrides) throws Exception {
        PrintWriter out = new PrintWriter(log, true);
        return new DemoRun(dir, out, out, Backends.named("cuda")).run(fresh, List.of(overrides), new StopSignal(), false);
    }

    @Test
    void aRunStoppedAndResumedOnTheGpuEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        GpuAvailability.assumeGpu();
        StringWriter log = new StringWriter();
        Path whole = temp.resolve("whole");
        Path parts = temp.resolve("parts");
        // one schedule for both runs (warmup 40, decay over 600 steps), whatever train_iters each part says
        String decay = "optimizer.learning_rate.decay_iterations=600";
        String warmup = "optimizer.learning_rate.warmup_iterations=40";
        demo(whole, log, true, KV32, BF16, decay, warmup, "training.train_iters=40", "training.checkpoint.interval=20");
        demo(parts, log, true, KV32, BF16, decay, warmup, "training.train_iters=20", "training.checkpoint.interval=20");
        DemoRun.Result resumed = demo(parts, log, false, KV32, BF16, decay, warmup, "training.train_iters=40",
                "training.checkpoint.interval=20");
        assertEquals(40, resumed.outcome().step(), log.toString());
        Path a = whole.resolve("checkpoints/step-40/model.safetensors");
        Path b = parts.resolve("checkpoints/step-40/model.safetensors");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)),
                "weights after 40 steps differ between the uninterrupted and the resumed run");
        Path m1 = whole.resolve("checkpoints/step-40/optimizer.safetensors");
        Path m2 = parts.resolve("checkpoints/step-40/optimizer.safetensors");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(m1), Files.readAllBytes(m2)), "Adam moments differ");
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndKeepsItsLastCheckpoint() throws Exception {
        GpuAvailability.assumeGpu();
        StringWriter log = new StringWriter();
        Path dir = temp.resolve("diverge");
        DemoRun.Result result = demo(dir, log, true, KV32, BF16, "training.train_iters=200", "training.checkpoint.interval=1",
                "optimizer.learning_rate.base=1.0e+30", "optimizer.learning_rate.warmup_iterations=0", "optimizer.gradient_norm_clipping=1.0e+30");
        assertEquals(RunOutcome.Status.FAILED, result.outcome().status(), log.toString());
        String message = result.outcome().message();
        assertTrue(message.matches("(?s).*(training loss is (NaN|Infinity)|gradient).*"), message);
        assertTrue(message.contains("step " + result.outcome().step()), message);
        assertTrue(Files.isDirectory(dir.resolve("checkpoints/step-" + (result.outcome().step() - 1))),
                "the last good checkpoint stays: " + log);
    }

    @Test
    void outOfMemorySaysHowMuchWasAskedAndWhatIsFree() {
        GpuAvailability.assumeGpu();
        LlamaArchitecture big = new LlamaArchitecture(128_256, 2048, 2, 32, 8, 64, 8192, true, LlamaArchitecture.Activation.SILU, false,
                1e-5, false, LlamaArchitecture.Rotary.llama3(500_000.0), 0.02);
        LlamaModel host = LlamaModel.empty(big);
        AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.open(host, optimizer, TrainingDtype.BFLOAT16, 256, 4096, MlpRecomputeLevel.NONE, null).close());
        assertTrue(e.getMessage().startsWith("out of GPU memory: cuMemAlloc"), e.getMessage());
        assertTrue(e.getMessage().contains("GiB free"), e.getMessage());
    }

    @Test
    void checkpointStateRoundTripsThroughTheDevice() {
        GpuAvailability.assumeGpu();
        LlamaArchitecture arch = TrainingStepCheck.architecture();
        LlamaModel host = LlamaModel.create(arch, 3);
        AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
        float[] before = host.parameters().get(5).data().clone();
        try (CudaBackend backend = CudaBackend.open(host, optimizer, TrainingDtype.BFLOAT16, 1, 32, MlpRecomputeLevel.NONE, null)) {
            backend.copyFromHost();
            backend.zeroGradients();
            backend.forwardBackward(TrainingStepCheck.batch(1, 32, arch.vocabSize(), 5), 1f);
            backend.update(1e-3);
            backend.copyToHost();
        }
        assertEquals(1, optimizer.step());
        float[] after = host.parameters().get(5).data();
        boolean moved = false;
        for (int i = 0; i < after.length; i++) {
            moved |= after[i] != before[i];
        }
        assertTrue(moved, "the update reached the host weights");
        assertTrue(optimizer.secondMoment(5)[0] >= 0 && Float.isFinite(optimizer.firstMoment(5)[0]));
    }

    /**
     * Recomputing MLP activations in backward runs the same kernels on the same inputs as the forward pass did, so every
     * level gives the gradients of {@code none} bit for bit, in float32 and in bfloat16, and keeps less on the device.
     */
    @Test
    void mlpRecomputeLevelsGiveTheSameGradientsWithLessMemory() {
        GpuAvailability.assumeGpu();
        LlamaArchitecture arch = TrainingStepCheck.architecture();
        SequenceBatch batch = TrainingStepCheck.batch(2, 64, arch.vocabSize(), 5);
        for (TrainingDtype dtype : List.of(TrainingDtype.FLOAT32, TrainingDtype.BFLOAT16)) {
            List<float[]> reference = null;
            long referencePeak = 0;
            for (MlpRecomputeLevel level : MlpRecomputeLevel.values()) {
                LlamaModel host = LlamaModel.create(arch, 3);
                AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
                long peak;
                try (CudaBackend backend = CudaBackend.open(host, optimizer, dtype, 2, 64, level, null)) {
                    backend.copyFromHost();
                    backend.zeroGradients();
                    backend.forwardBackward(batch, 1f);
                    backend.copyGradientsToHost();
                    peak = backend.peakMemoryBytes();
                }
                List<float[]> gradients = host.parameters().stream().map(p -> p.grad().clone()).toList();
                if (reference == null) {
                    reference = gradients;
                    referencePeak = peak;
                    continue;
                }
                for (int i = 0; i < gradients.size(); i++) {
                    assertArrayEquals(reference.get(i), gradients.get(i), dtype + " " + level + " " + host.parameters().get(i).name());
                }
                assertTrue(peak < referencePeak, dtype + " " + level + ": " + peak + " bytes, none " + referencePeak);
            }
        }
    }
}
