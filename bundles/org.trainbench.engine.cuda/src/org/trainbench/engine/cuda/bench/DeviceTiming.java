package org.trainbench.engine.cuda.bench;

import java.util.Arrays;

import org.trainbench.engine.cuda.CudaContext;

/** How the GPU benchmarks time work: warm-up runs, then the median of CUDA-event timings of single runs. */
final class DeviceTiming {
    private DeviceTiming() {
    }

    /** Median device time of {@code work} in ms over {@code repetitions} runs, after {@code warmups} untimed ones. */
    static double medianMillis(CudaContext gpu, Runnable work, int warmups, int repetitions) {
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        gpu.synchronize();
        double[] ms = new double[repetitions];
        try (CudaContext.Timer timer = gpu.timer()) {
            for (int i = 0; i < repetitions; i++) {
                timer.start();
                work.run();
                ms[i] = timer.stopMillis();
            }
        }
        Arrays.sort(ms);
        return ms[repetitions / 2];
    }
}
