package org.trainbench.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * One GPU through the CUDA driver API (libcuda.so.1): its primary context, memory, copies, modules, kernel
 * launches on the default stream, events and synchronization. Every call checks its status and throws a
 * {@link CudaException} naming the function and the driver's error name and text.
 *
 * <p>The primary context is made current on the thread that opens this object; call {@link #makeCurrent()}
 * before using it from another thread.
 */
public final class CudaContext implements AutoCloseable {
    private static final String LIB = CudaDriver.LIBRARY;
    private static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    private static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    /** CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: the most dynamic shared memory a kernel may opt into. */
    private static final int ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
    /** CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES. */
    private static final int FUNCTION_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    private static volatile Driver driver;

    /** The driver's functions, bound once per process. */
    private static final class Driver {
        final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute,
                cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease, cuCtxSetCurrent,
                cuCtxSynchronize, cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyDtoD, cuMemsetD32,
                cuModuleLoadData, cuModuleUnload, cuModuleGetFunction, cuLaunchKernel, cuEventCreate, cuEventRecord,
                cuEventSynchronize, cuEventElapsedTime, cuEventDestroy, cuGetErrorName, cuGetErrorString,
                cuMemGetInfo, cuFuncSetAttribute;

        Driver(SymbolLookup l) {
            FunctionDescriptor intOfAddress = FunctionDescriptor.of(JAVA_INT, ADDRESS);
            cuInit = NativeLibraries.function(l, LIB, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            cuDriverGetVersion = NativeLibraries.function(l, LIB, "cuDriverGetVersion", intOfAddress);
            cuDeviceGet = NativeLibraries.function(l, LIB, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            cuDeviceGetName = NativeLibraries.function(l, LIB, "cuDeviceGetName",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            cuDeviceGetAttribute = NativeLibraries.function(l, LIB, "cuDeviceGetAttribute",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            cuDeviceTotalMem = NativeLibraries.function(l, LIB, "cuDeviceTotalMem_v2",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            cuDevicePrimaryCtxRetain = NativeLibraries.function(l, LIB, "cuDevicePrimaryCtxRetain",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            cuDevicePrimaryCtxRelease = NativeLibraries.function(l, LIB, "cuDevicePrimaryCtxRelease_v2",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            cuCtxSetCurrent = NativeLibraries.function(l, LIB, "cuCtxSetCurrent", intOfAddress);
            cuCtxSynchronize = NativeLibraries.function(l, LIB, "cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
            cuMemAlloc = NativeLibraries.function(l, LIB, "cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            cuMemFree = NativeLibraries.function(l, LIB, "cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
            cuMemGetInfo = NativeLibraries.function(l, LIB, "cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            // critical(true): Java arrays go to the copy as they are (no staging copy); the driver calls nothing back.
            cuMemcpyHtoD = NativeLibraries.function(l, LIB, "cuMemcpyHtoD_v2",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG), Linker.Option.critical(true));
            cuMemcpyDtoH = NativeLibraries.function(l, LIB, "cuMemcpyDtoH_v2",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), Linker.Option.critical(true));
            cuMemcpyDtoD = NativeLibraries.function(l, LIB, "cuMemcpyDtoD_v2",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
            cuMemsetD32 = NativeLibraries.function(l, LIB, "cuMemsetD32_v2",
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
            cuModuleLoadData = NativeLibraries.function(l, LIB, "cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            cuModuleUnload = NativeLibraries.function(l, LIB, "cuModuleUnload", intOfAddress);
            cuModuleGetFunction = NativeLibraries.function(l, LIB, "cuModuleGetFunction",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            cuFuncSetAttribute = NativeLibraries.function(l, LIB, "cuFuncSetAttribute",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            cuLaunchKernel = NativeLibraries.function(l, LIB, "cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            cuEventCreate = NativeLibraries.function(l, LIB, "cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            cuEventRecord = NativeLibraries.function(l, LIB, "cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            cuEventSynchronize = NativeLibraries.function(l, LIB, "cuEventSynchronize", intOfAddress);
            cuEventElapsedTime = NativeLibraries.function(l, LIB, "cuEventElapsedTime",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            cuEventDestroy = NativeLibraries.function(l, LIB, "cuEventDestroy_v2", intOfAddress);
            cuGetErrorName = NativeLibraries.function(l, LIB, "cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
            cuGetErrorString = NativeLibraries.function(l, LIB, "cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        }
    }

    private static Driver driver() {
        Driver d = driver;
        if (d == null) {
            synchronized (CudaContext.class) {
                d = driver;
                if (d == null) {
                    d = new Driver(NativeLibraries.load("the CUDA driver", LIB));
                    driver = d = init(d);
                }
            }
        }
        return d;
    }

    private static Driver init(Driver d) {
        try {
            check(d, (int) d.cuInit.invokeExact(0), "cuInit");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
        return d;
    }

    private final Driver cu;
    private final Arena arena = Arena.ofShared();
    private final int device;
    private final MemorySegment context;
    private final String deviceName;
    private final int driverVersion;
    private final int computeCapabilityMajor;
    private final int computeCapabilityMinor;
    private final int multiprocessors;
    private final int maxSharedMemoryPerBlock;
    private final long totalMemory;
    private boolean closed;

    private CudaContext(int ordinal) {
        this.cu = driver();
        try {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check((int) cu.cuDeviceGet.invokeExact(out, ordinal), "cuDeviceGet");
            device = out.get(JAVA_INT, 0);
            MemorySegment ctx = arena.allocate(ADDRESS);
            check((int) cu.cuDevicePrimaryCtxRetain.invokeExact(ctx, device), "cuDevicePrimaryCtxRetain");
            context = ctx.get(ADDRESS, 0);
            check((int) cu.cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
            MemorySegment name = arena.allocate(256);
            check((int) cu.cuDeviceGetName.invokeExact(name, 256, device), "cuDeviceGetName");
            deviceName = name.getString(0);
            check((int) cu.cuDriverGetVersion.invokeExact(out), "cuDriverGetVersion");
            driverVersion = out.get(JAVA_INT, 0);
            computeCapabilityMajor = attribute(ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, out);
            computeCapabilityMinor = attribute(ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, out);
            multiprocessors = attribute(ATTRIBUTE_MULTIPROCESSOR_COUNT, out);
            maxSharedMemoryPerBlock = attribute(ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, out);
            check((int) cu.cuDeviceTotalMem.invokeExact(out, device), "cuDeviceTotalMem_v2");
            totalMemory = out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /**
     * Opens GPU {@code ordinal} (0 is the first): initializes the driver, retains the device's primary context and
     * makes it current on this thread.
     *
     * @throws CudaException when there is no driver, no such device, or the driver reports an error
     */
    public static CudaContext open(int ordinal) {
        return new CudaContext(ordinal);
    }

    private int attribute(int attribute, MemorySegment out) throws Throwable {
        check((int) cu.cuDeviceGetAttribute.invokeExact(out, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return out.get(JAVA_INT, 0);
    }

    public String deviceName() {
        return deviceName;
    }

    /** The driver's CUDA version as an integer, 1000 * major + 10 * minor (13000 for CUDA 13.0). */
    public int driverVersion() {
        return driverVersion;
    }

    /** e.g. "9.0" for Hopper. */
    public String computeCapability() {
        return computeCapabilityMajor + "." + computeCapabilityMinor;
    }

    /** The virtual architecture NVRTC compiles for, e.g. {@code compute_90}. */
    public String virtualArchitecture() {
        return "compute_" + computeCapabilityMajor + computeCapabilityMinor;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    /**
     * Blocks of {@code block} threads for a grid-stride loop over {@code work} items: one item per thread up to 32
     * blocks per multiprocessor, beyond that the threads loop.
     */
    public int gridStrideBlocks(long work, int block) {
        long blocks = Math.max(1, (work + block - 1) / block);
        return (int) Math.min(blocks, 32L * multiprocessors);
    }

    /** The most shared memory one block may use when its kernel opts in (227 KiB on an H100), in bytes. */
    public int maxSharedMemoryPerBlock() {
        return maxSharedMemoryPerBlock;
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** Free device memory in bytes, as the driver sees it now. */
    public long freeMemory() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG);
            MemorySegment total = a.allocate(JAVA_LONG);
            check((int) cu.cuMemGetInfo.invokeExact(free, total), "cuMemGetInfo_v2");
            return free.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** Makes this context current on the calling thread. */
    public void makeCurrent() {
        try {
            check((int) cu.cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    // ------------------------------------------------------------------------------------------------ memory

    /** Bytes held in live {@link DeviceBuffer}s of this context, and the most it has held (for peak-memory metrics). */
    private long allocatedBytes;
    private long peakAllocatedBytes;

    /** Allocates {@code bytes} of device memory (not cleared). */
    public DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device allocation of " + bytes + " bytes: expected a positive size");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            check((int) cu.cuMemAlloc.invokeExact(out, bytes), "cuMemAlloc_v2(" + bytes + " bytes)");
            allocatedBytes += bytes;
            peakAllocatedBytes = Math.max(peakAllocatedBytes, allocatedBytes);
            return new DeviceBuffer(this, out.get(JAVA_LONG, 0), bytes);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** Bytes in live device buffers of this context now (what the engine allocated; cuBLAS's own workspace not counted). */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** The most bytes held in live device buffers at once since the context opened or {@link #resetPeakAllocated()}. */
    public long peakAllocatedBytes() {
        return peakAllocatedBytes;
    }

    public void resetPeakAllocated() {
        peakAllocatedBytes = allocatedBytes;
    }

    /** Device memory holding {@code floats} fp32 values. */
    public DeviceBuffer allocateFloats(long floats) {
        return allocate(4 * floats);
    }

    void free(long address, long bytes) {
        try {
            check((int) cu.cuMemFree.invokeExact(address), "cuMemFree_v2");
            allocatedBytes -= bytes;
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    public DeviceBuffer upload(float[] values) {
        DeviceBuffer buffer = allocate(4L * Math.max(1, values.length));
        copyToDevice(buffer.address(), MemorySegment.ofArray(values), 4L * values.length);
        return buffer;
    }

    public DeviceBuffer upload(int[] values) {
        DeviceBuffer buffer = allocate(4L * Math.max(1, values.length));
        copyToDevice(buffer.address(), MemorySegment.ofArray(values), 4L * values.length);
        return buffer;
    }

    public DeviceBuffer upload(short[] values) {
        DeviceBuffer buffer = allocate(2L * Math.max(1, values.length));
        copyToDevice(buffer.address(), MemorySegment.ofArray(values), 2L * values.length);
        return buffer;
    }

    /** Copies all of {@code values} to the start of {@code target}. */
    public void copy(float[] values, DeviceBuffer target) {
        target.require(4L * values.length, "copy of " + values.length + " floats");
        copyToDevice(target.address(), MemorySegment.ofArray(values), 4L * values.length);
    }

    /** Copies the first {@code values.length} floats of {@code source} into {@code values}. */
    public void copy(DeviceBuffer source, float[] values) {
        source.require(4L * values.length, "copy of " + values.length + " floats");
        copyToHost(MemorySegment.ofArray(values), source.address(), 4L * values.length);
    }

    public float[] downloadFloats(DeviceBuffer source, int count) {
        float[] values = new float[count];
        copy(source, values);
        return values;
    }

    public double[] downloadDoubles(DeviceBuffer source, int count) {
        source.require(8L * count, "copy of " + count + " doubles");
        double[] values = new double[count];
        copyToHost(MemorySegment.ofArray(values), source.address(), 8L * count);
        return values;
    }

    public short[] downloadShorts(DeviceBuffer source, int count) {
        source.require(2L * count, "copy of " + count + " 16-bit values");
        short[] values = new short[count];
        copyToHost(MemorySegment.ofArray(values), source.address(), 2L * count);
        return values;
    }

    /** Synchronous host-to-device copy (a Java array segment or native memory). */
    public void copyToDevice(long deviceAddress, MemorySegment host, long bytes) {
        if (bytes == 0) {
            return;
        }
        try {
            check((int) cu.cuMemcpyHtoD.invokeExact(deviceAddress, host, bytes), "cuMemcpyHtoD_v2(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** Synchronous device-to-host copy; waits for the work queued before it. */
    public void copyToHost(MemorySegment host, long deviceAddress, long bytes) {
        if (bytes == 0) {
            return;
        }
        try {
            check((int) cu.cuMemcpyDtoH.invokeExact(host, deviceAddress, bytes), "cuMemcpyDtoH_v2(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    public void copyOnDevice(long target, long source, long bytes) {
        try {
            check((int) cu.cuMemcpyDtoD.invokeExact(target, source, bytes), "cuMemcpyDtoD_v2(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** Sets {@code count} 32-bit words from {@code address} to {@code bits} (0 clears floats and ints). */
    public void fill32(long address, int bits, long count) {
        try {
            check((int) cu.cuMemsetD32.invokeExact(address, bits, count), "cuMemsetD32_v2");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** Waits until all work queued on this context has finished; reports errors of earlier asynchronous launches. */
    public void synchronize() {
        try {
            check((int) cu.cuCtxSynchronize.invokeExact(), "cuCtxSynchronize");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    // ------------------------------------------------------------------------------------------------ modules

    /** Loads a module from PTX text or a cubin (cuModuleLoadData: the driver compiles PTX for this GPU). */
    public KernelModule loadModule(byte[] image, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(image.length + 1L);
            MemorySegment.copy(MemorySegment.ofArray(image), 0, data, 0, image.length);
            MemorySegment out = a.allocate(ADDRESS);
            check((int) cu.cuModuleLoadData.invokeExact(out, data), "cuModuleLoadData(" + name + ")");
            return new KernelModule(this, out.get(ADDRESS, 0), name);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    MemorySegment function(MemorySegment module, String moduleName, String kernel) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) cu.cuModuleGetFunction.invokeExact(out, module, a.allocateFrom(kernel)),
                    "cuModuleGetFunction(" + moduleName + ", " + kernel + ")");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void unload(MemorySegment module, String name) {
        try {
            check((int) cu.cuModuleUnload.invokeExact(module), "cuModuleUnload(" + name + ")");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /**
     * Lets {@code function} launch with up to {@code bytes} of dynamic shared memory (cuFuncSetAttribute
     * MAX_DYNAMIC_SHARED_SIZE_BYTES); without it a launch asking for more than 48 KiB fails.
     */
    void allowDynamicSharedMemory(MemorySegment function, String kernel, int bytes) {
        if (bytes > maxSharedMemoryPerBlock) {
            throw new IllegalArgumentException(kernel + " needs " + bytes + " bytes of shared memory per block but " + deviceName
                    + " allows at most " + maxSharedMemoryPerBlock);
        }
        try {
            check((int) cu.cuFuncSetAttribute.invokeExact(function, FUNCTION_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                    "cuFuncSetAttribute(" + kernel + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + bytes + ")");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void launch(MemorySegment function, String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
            int sharedBytes, MemorySegment parameters) {
        try {
            check((int) cu.cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                    MemorySegment.NULL, parameters, MemorySegment.NULL), "cuLaunchKernel(" + kernel + ")");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    // ------------------------------------------------------------------------------------------------ events

    /** A pair of events around device work on the default stream: {@link #start()}, work, {@link #stopMillis()}. */
    public final class Timer implements AutoCloseable {
        private final MemorySegment startEvent;
        private final MemorySegment stopEvent;
        private final MemorySegment millis = arena.allocate(JAVA_FLOAT);

        private Timer() {
            startEvent = createEvent();
            stopEvent = createEvent();
        }

        public void start() {
            record(startEvent);
        }

        /** Records the stop event, waits for it and returns the device time between the two events in ms. */
        public float stopMillis() {
            record(stopEvent);
            try {
                check((int) cu.cuEventSynchronize.invokeExact(stopEvent), "cuEventSynchronize");
                check((int) cu.cuEventElapsedTime.invokeExact(millis, startEvent, stopEvent), "cuEventElapsedTime");
            } catch (Throwable t) {
                throw NativeLibraries.rethrow(t);
            }
            return millis.get(JAVA_FLOAT, 0);
        }

        @Override
        public void close() {
            try {
                check((int) cu.cuEventDestroy.invokeExact(startEvent), "cuEventDestroy_v2");
                check((int) cu.cuEventDestroy.invokeExact(stopEvent), "cuEventDestroy_v2");
            } catch (Throwable t) {
                throw NativeLibraries.rethrow(t);
            }
        }
    }

    public Timer timer() {
        return new Timer();
    }

    /**
     * Where device time goes, by label, without synchronizing in between: {@link #mark} records an event on the default
     * stream and names the work queued until the next mark; {@link #finish} waits once and adds up the time between
     * consecutive events per label. Gaps where the GPU waited for the host count to the label that was open.
     */
    public final class Trace implements AutoCloseable {
        private final java.util.List<MemorySegment> events = new java.util.ArrayList<>();
        private final java.util.List<String> labels = new java.util.ArrayList<>();
        private final MemorySegment millis = arena.allocate(JAVA_FLOAT);
        private String open;

        private Trace() {
        }

        /** From here to the next mark, device work counts as {@code label}; a repeated label records nothing. */
        public void mark(String label) {
            if (label.equals(open)) {
                return;
            }
            open = label;
            int used = labels.size();
            if (used == events.size()) {
                events.add(createEvent());
            }
            record(events.get(used));
            labels.add(label);
        }

        /** Waits for the work traced so far and returns milliseconds per label (in first-seen order); starts over. */
        public java.util.Map<String, Double> finish() {
            mark("\u0000end");
            java.util.Map<String, Double> totals = new java.util.LinkedHashMap<>();
            try {
                check((int) cu.cuEventSynchronize.invokeExact(events.get(labels.size() - 1)), "cuEventSynchronize");
                for (int i = 0; i + 1 < labels.size(); i++) {
                    check((int) cu.cuEventElapsedTime.invokeExact(millis, events.get(i), events.get(i + 1)), "cuEventElapsedTime");
                    totals.merge(labels.get(i), (double) millis.get(JAVA_FLOAT, 0), Double::sum);
                }
            } catch (Throwable t) {
                throw NativeLibraries.rethrow(t);
            }
            labels.clear();
            open = null;
            return totals;
        }

        @Override
        public void close() {
            try {
                for (MemorySegment event : events) {
                    check((int) cu.cuEventDestroy.invokeExact(event), "cuEventDestroy_v2");
                }
            } catch (Throwable t) {
                throw NativeLibraries.rethrow(t);
            }
        }
    }

    public Trace trace() {
        return new Trace();
    }

    private MemorySegment createEvent() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) cu.cuEventCreate.invokeExact(out, 0), "cuEventCreate");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    private void record(MemorySegment event) {
        try {
            check((int) cu.cuEventRecord.invokeExact(event, MemorySegment.NULL), "cuEventRecord");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    // ------------------------------------------------------------------------------------------------ errors

    void check(int status, String call) {
        check(cu, status, call);
    }

    private static void check(Driver cu, int status, String call) {
        if (status == 0) {
            return;
        }
        throw new CudaException(call, status, errorText(cu, cu.cuGetErrorName, status, "CUDA_ERROR_" + status),
                errorText(cu, cu.cuGetErrorString, status, ""));
    }

    private static String errorText(Driver cu, MethodHandle function, int status, String fallback) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int rc = (int) function.invokeExact(status, out);
            MemorySegment text = out.get(ADDRESS, 0);
            return rc == 0 && !text.equals(MemorySegment.NULL) ? text.reinterpret(1024).getString(0) : fallback;
        } catch (Throwable t) {
            return fallback;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            check((int) cu.cuDevicePrimaryCtxRelease.invokeExact(device), "cuDevicePrimaryCtxRelease_v2");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
