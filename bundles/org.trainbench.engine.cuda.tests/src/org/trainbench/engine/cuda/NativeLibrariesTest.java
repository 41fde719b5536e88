package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

    @Test
    void aMissingLibraryErrorNamesTheLibraryWhereItLookedAndWhatToDo() {
        CudaException e = assertThrows(CudaException.class,
                () -> NativeLibraries.load("the test library", "libtrainbench-absent.so.13"));
        assertTrue(e.getMessage().contains("the test library: none of libtrainbench-absent.so.13"), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/local/cuda"), e.getMessage());
        assertTrue(e.getMessage().contains("-D" + NativeLibraries.LIBRARY_PATH_PROPERTY + "=DIR"), e.getMessage());
    }

    @Test
    void openingAGpuWithoutTheDriverSaysTheDriverIsMissing() {
        if (GpuAvailability.driverPresent()) {
            try (CudaContext gpu = CudaContext.open(0)) {
                assertTrue(gpu.driverVersion() >= 12000, "driver version " + gpu.driverVersion());
                assertTrue(gpu.totalMemory() > 0);
            }
            return;
        }
        CudaException e = assertThrows(CudaException.class, () -> CudaContext.open(0));
        assertTrue(e.getMessage().startsWith("the CUDA driver: none of libcuda.so.1"), e.getMessage());
    }

    @Test
    void cudaErrorsNameTheCallTheStatusAndTheDriversText() {
        CudaException e = new CudaException("cuMemAlloc_v2(1024 bytes)", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
        assertEquals("cuMemAlloc_v2(1024 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", e.getMessage());
        assertEquals(2, e.status());
    }
}
