package org.trainbench.engine.model.bench;

import java.util.Locale;
import java.util.SplittableRandom;

import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.tensor.Gemm;
import org.trainbench.engine.tensor.WorkerPool;

/**
 * Measures the CPU engine: GEMM throughput on transformer-sized shapes (1 thread and the shared pool), and training
 * and inference speed of a demo-sized Llama. Prints exact figures for BENCHMARKS.md.
 *
 * <pre>
 * java [-Dtrainbench.threads=N] --add-modules jdk.incubator.vector -cp CLASSES org.trainbench.engine.model.bench.ModelBenchmark [--quick]
 * </pre>
 * The model: vocab 512, hidden 256, 4 layers, 8 heads of 32 with 4 key/value heads, gated SiLU MLP of 768,
 * micro-batch 8 x 256 tokens; FLOPs per token counted as 6 * (parameters) + 12 * layers * hidden * T/2 (causal
 * attention, forward and backward), the usual estimate.
 */
public final class ModelBenchmark {
    private ModelBenchmark() {
    }

    public static void main(String[] args) {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        System.out.printf(Locale.ROOT, "CPU threads in the shared pool: %d (availableProcessors, or -Dtrainbench.threads), vector species %s%n",
                WorkerPool.shared().threads(), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        int[][] shapes = {{2048, 768, 256}, {2048, 256, 768}, {768, 256, 2048}, {2048, 512, 256}};
        String[] roles = {"x W^T (forward, up/gate)", "dY W (backward dx, down)", "dY^T X (backward dW)", "x W^T (LM head)"};
        boolean[][] trans = {{false, true}, {false, false}, {true, false}, {false, true}};
        WorkerPool single = new WorkerPool(1);
        for (int s = 0; s < shapes.length; s++) {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            double one = gemm(single, m, n, k, trans[s][0], trans[s][1], quick);
            double all = gemm(WorkerPool.shared(), m, n, k, trans[s][0], trans[s][1], quick);
            System.out.printf(Locale.ROOT, "GEMM %4dx%4dx%4d %-26s 1 thread %6.1f GFLOP/s, %d threads %6.1f GFLOP/s%n",
                    m, n, k, roles[s], one, WorkerPool.shared().threads(), all);
        }
        LlamaArchitecture arch = new LlamaArchitecture(512, 256, 4, 8, 4, 32, 768, true, LlamaArchitecture.Activation.SILU,
                false, 1e-5, false, LlamaArchitecture.Rotary.defaultScaling(10000), LlamaArchitecture.defaultInitStd(256));
        int b = 8, t = 256;
        LlamaModel model = LlamaModel.create(arch, 1);
        SequenceBatch batch = randomBatch(arch.vocabSize(), b, t, 2);
        int warmup = quick ? 2 : 5;
        int steps = quick ? 4 : 15;
        for (int i = 0; i < warmup; i++) {
            model.forwardBackward(batch, 1f);
        }
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        float loss = 0;
        for (int i = 0; i < steps; i++) {
            loss = model.forwardBackward(batch, 1f);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9 / steps;
        double trainCpuSeconds = (processCpuNanos() - cpu0) / 1e9 / steps;
        double tokens = (double) b * t;
        double flopsPerToken = 6.0 * arch.parameterCount() + 12.0 * arch.numLayers() * arch.hiddenSize() * (t / 2.0);
        System.out.printf(Locale.ROOT, "Model: %d parameters, micro-batch %d x %d tokens, loss %.4f%n", arch.parameterCount(), b, t, loss);
        System.out.printf(Locale.ROOT, "Training (forward + backward): %.1f ms per micro-batch, %.0f tokens/s, %.1f GFLOP/s"
                        + " (this process got %.2f of the %d cores; less means other load competed)%n",
                trainSeconds * 1e3, tokens / trainSeconds, tokens * flopsPerToken / trainSeconds / 1e9,
                trainCpuSeconds / trainSeconds, WorkerPool.shared().threads());
        System.out.printf(Locale.ROOT, "Training per CPU-second: %.0f tokens (load-independent; x %d threads = ideal tokens/s on an idle machine)%n",
                tokens / trainCpuSeconds, WorkerPool.shared().threads());
        t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            model.loss(batch);
        }
        double evalSeconds = (System.nanoTime() - t0) / 1e9 / steps;
        System.out.printf(Locale.ROOT, "Evaluation (forward only): %.1f ms per micro-batch, %.0f tokens/s%n",
                evalSeconds * 1e3, tokens / evalSeconds);
        int[] prompt = batch.inputTokens()[0];
        model.generate(java.util.Arrays.copyOf(prompt, 16), 32, 0f, 0L);
        t0 = System.nanoTime();
        int newTokens = quick ? 32 : 128;
        model.generate(java.util.Arrays.copyOf(prompt, 16), newTokens, 0f, 0L);
        double genSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "Generation (KV cache, greedy): %.0f tokens/s%n", newTokens / genSeconds);
        System.exit(0);
    }

    /** CPU time of the whole process (all threads, spinning workers included). */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static double gemm(WorkerPool pool, int m, int n, int k, boolean ta, boolean tb, boolean quick) {
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble();
        }
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        int reps = quick ? 10 : 40;
        for (int i = 0; i < reps; i++) {
            Gemm.multiply(pool, m, n, k, a, 0, lda, ta, b, 0, ldb, tb, c, 0, n, false);
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                Gemm.multiply(pool, m, n, k, a, 0, lda, ta, b, 0, ldb, tb, c, 0, n, false);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
        }
        return 2.0 * m * n * k / best / 1e9;
    }

    private static SequenceBatch randomBatch(int vocab, int b, int t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] tokens = new int[b][t + 1];
        for (int[] row : tokens) {
            for (int i = 0; i < row.length; i++) {
                row[i] = r.nextInt(vocab);
            }
        }
        return SequenceBatch.ofSequences(tokens);
    }
}
