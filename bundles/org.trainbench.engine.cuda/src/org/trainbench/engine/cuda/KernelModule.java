package org.trainbench.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A loaded CUDA module (cuModuleLoadData) and its kernels. Arguments of {@link Kernel#launch} map to the kernel's C
 * parameters by their Java type, which must match the C declaration exactly: {@link DeviceBuffer} and {@code Long}
 * are 8 bytes (a pointer or a {@code long long}), {@code Integer} and {@code Float} 4, {@code Double} 8;
 * {@code null} is a null pointer.
 */
public final class KernelModule implements AutoCloseable {
    private final CudaContext context;
    private final MemorySegment module;
    private final String name;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private boolean unloaded;

    KernelModule(CudaContext context, MemorySegment module, String name) {
        this.context = context;
        this.module = module;
        this.name = name;
    }

    /** The kernel {@code extern "C"} named {@code kernel}; a CudaException if the module has none. */
    public Kernel kernel(String kernel) {
        return kernels.computeIfAbsent(kernel, k -> new Kernel(k, context.function(module, name, k)));
    }

    /** One {@code __global__} function of this module. */
    public final class Kernel {
        private final String kernelName;
        private final MemorySegment function;

        private Kernel(String kernelName, MemorySegment function) {
            this.kernelName = kernelName;
            this.function = function;
        }

        public String name() {
            return kernelName;
        }

        /** Launches on the default stream with a one-dimensional block and a grid of (gridX, gridY). Asynchronous. */
        public void launch(int gridX, int gridY, int block, Object... arguments) {
            launchWithSharedMemory(gridX, gridY, block, 0, arguments);
        }

        /**
         * As {@link #launch}, with {@code sharedBytes} of dynamic shared memory ({@code extern __shared__}); above
         * 48 KiB the kernel must have been allowed that much by {@link #allowDynamicSharedMemory} first.
         */
        public void launchWithSharedMemory(int gridX, int gridY, int block, int sharedBytes, Object... arguments) {
            if (gridX <= 0 || gridY <= 0 || gridY > 65535 || block <= 0 || block > 1024 || sharedBytes < 0) {
                throw new IllegalArgumentException(kernelName + ": launch shape grid (" + gridX + ", " + gridY + ") x block "
                        + block + " with " + sharedBytes + " bytes of shared memory is invalid (grid > 0, grid y <= 65535, "
                        + "0 < block <= 1024, shared memory >= 0)");
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment pointers = a.allocate(ADDRESS, Math.max(1, arguments.length));
                for (int i = 0; i < arguments.length; i++) {
                    pointers.setAtIndex(ADDRESS, i, argument(a, arguments[i], i));
                }
                context.launch(function, kernelName, gridX, gridY, 1, block, 1, 1, sharedBytes, pointers);
            }
        }

        /** Allows launches with up to {@code bytes} of dynamic shared memory (needed above 48 KiB). */
        public void allowDynamicSharedMemory(int bytes) {
            context.allowDynamicSharedMemory(function, kernelName, bytes);
        }

        private MemorySegment argument(Arena a, Object value, int index) {
            return switch (value) {
                case null -> a.allocateFrom(JAVA_LONG, 0L);
                case DeviceBuffer b -> a.allocateFrom(JAVA_LONG, b.address());
                case Long l -> a.allocateFrom(JAVA_LONG, l);
                case Integer i -> a.allocateFrom(JAVA_INT, i);
                case Float f -> a.allocateFrom(JAVA_FLOAT, f);
                case Double d -> a.allocateFrom(JAVA_DOUBLE, d);
                default -> throw new IllegalArgumentException(kernelName + ": argument " + index + " is a "
                        + value.getClass().getSimpleName() + "; expected DeviceBuffer, Long, Integer, Float or Double");
            };
        }
    }

    @Override
    public void close() {
        if (!unloaded) {
            unloaded = true;
            context.unload(module, name);
        }
    }
}
