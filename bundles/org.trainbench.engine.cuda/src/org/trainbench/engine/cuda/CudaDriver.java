package org.trainbench.engine.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The CUDA driver API (libcuda.so.1) through Java's foreign function interface. This first slice only
 * answers "is there a usable NVIDIA GPU here, and which": the backend proper builds on the same lookup.
 */
public final class CudaDriver {
    /** The shared library NVIDIA's driver installs; the toolkit is not needed for the driver API. */
    public static final String LIBRARY = "libcuda.so.1";

    /** What the probe found: either devices (count, name of device 0, driver version) or why not. */
    public record Availability(boolean available, int deviceCount, String firstDeviceName, int driverVersion,
            String reason) {
        static Availability unavailable(String reason) {
            return new Availability(false, 0, "", 0, reason);
        }
    }

    private CudaDriver() {
    }

    /** Looks for the driver library without initializing anything: absent on machines without NVIDIA GPUs. */
    public static Optional<SymbolLookup> findLibrary(Arena arena) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(LIBRARY, arena));
        } catch (IllegalArgumentException notFound) {
            return Optional.empty();
        }
    }

    /** Initializes the driver and lists devices; never throws, the reason says what went wrong. */
    public static Availability probe() {
        try (Arena arena = Arena.ofConfined()) {
            Optional<SymbolLookup> library = findLibrary(arena);
            if (library.isEmpty()) {
                return Availability.unavailable(LIBRARY + " not found: no NVIDIA driver on this machine");
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup cuda = library.get();
            MethodHandle cuInit = linker.downcallHandle(cuda.find("cuInit").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle cuDriverGetVersion = linker.downcallHandle(cuda.find("cuDriverGetVersion").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle cuDeviceGetCount = linker.downcallHandle(cuda.find("cuDeviceGetCount").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle cuDeviceGetName = linker.downcallHandle(cuda.find("cuDeviceGetName").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT));
            int status = (int) cuInit.invokeExact(0);
            if (status != 0) {
                return Availability.unavailable("cuInit failed with CUDA error " + status);
            }
            MemorySegment intOut = arena.allocate(ValueLayout.JAVA_INT);
            check((int) cuDriverGetVersion.invokeExact(intOut), "cuDriverGetVersion");
            int driverVersion = intOut.get(ValueLayout.JAVA_INT, 0);
            check((int) cuDeviceGetCount.invokeExact(intOut), "cuDeviceGetCount");
            int count = intOut.get(ValueLayout.JAVA_INT, 0);
            if (count == 0) {
                return Availability.unavailable("the CUDA driver reports no devices");
            }
            MemorySegment name = arena.allocate(256);
            check((int) cuDeviceGetName.invokeExact(name, 256, 0), "cuDeviceGetName");
            return new Availability(true, count, name.getString(0), driverVersion, "");
        } catch (Throwable e) {
            return Availability.unavailable("CUDA driver probe failed: " + e);
        }
    }

    /** Prints the probe's result as one JSON object: {@code java -cp "lib/*" org.trainbench.engine.cuda.CudaDriver}. */
    public static void main(String[] args) {
        Availability a = probe();
        System.out.printf("{\"available\": %s, \"device_count\": %d, \"device_0\": \"%s\", \"driver_version\": %d, \"reason\": \"%s\"}%n",
                a.available(), a.deviceCount(), a.firstDeviceName().replace("\"", "'"), a.driverVersion(),
                a.reason().replace("\"", "'"));
        System.exit(a.available() ? 0 : 1);
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed with CUDA error " + status);
        }
    }
}
