package org.trainbench.engine.cuda;

import java.lang.foreign.Arena;

import org.junit.jupiter.api.Assumptions;

/** Skips a GPU test where there is no NVIDIA driver (the CI machine), with the reason JUnit reports. */
public final class GpuAvailability {
    public static final String NO_DRIVER = "no CUDA driver (" + CudaDriver.LIBRARY + ")";

    private GpuAvailability() {
    }

    public static boolean driverPresent() {
        try (Arena arena = Arena.ofConfined()) {
            return CudaDriver.findLibrary(arena).isPresent();
        }
    }

    public static void assumeGpu() {
        Assumptions.assumeTrue(driverPresent(), NO_DRIVER);
    }
}
