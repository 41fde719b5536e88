package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudaDriverTest {

    /** The driver library is where the loader would find it iff one of the usual driver paths holds it. */
    private static boolean driverInstalled() {
        for (String dir : new String[] {"/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64"}) {
            if (Files.exists(Path.of(dir, CudaDriver.LIBRARY))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void probeAgreesWithTheFilesystemAboutTheDriver() {
        CudaDriver.Availability availability = CudaDriver.probe();
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(driverInstalled(), CudaDriver.findLibrary(arena).isPresent());
        }
        if (!driverInstalled()) {
            assertFalse(availability.available());
            assertTrue(availability.reason().contains(CudaDriver.LIBRARY), availability.reason());
        }
    }

    @Test
    void probeListsDevicesOnAGpuMachine() {
        Assumptions.assumeTrue(driverInstalled(), GpuAvailability.NO_DRIVER);
        CudaDriver.Availability availability = CudaDriver.probe();
        assertTrue(availability.available(), availability.reason());
        assertTrue(availability.deviceCount() > 0);
        assertTrue(availability.firstDeviceName().contains("NVIDIA"), availability.firstDeviceName());
        assertTrue(availability.driverVersion() >= 12000, "driver version " + availability.driverVersion());
    }
}
