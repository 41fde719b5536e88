package org.trainbench.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * NVRTC, CUDA's run-time compiler (libnvrtc.so.13 in CUDA 13): CUDA C source to PTX, which
 * {@link CudaContext#loadModule} hands to the driver. Compile errors come back as a CudaException holding the log.
 */
public final class Nvrtc {
    /** CUDA 13's soname first; CUDA 12's is accepted for machines with an older toolkit. */
    public static final String[] SONAMES = {"libnvrtc.so.13", "libnvrtc.so.12"};

    private static volatile Nvrtc instance;

    private static final String LIBRARY = "libnvrtc";

    private volatile KernelCache cache;

    private final MethodHandle create, compile, logSize, log, ptxSize, ptx, destroy, errorString, version;

    private Nvrtc(SymbolLookup l) {
        create = NativeLibraries.function(l, LIBRARY, "nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = NativeLibraries.function(l, LIBRARY, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        logSize = NativeLibraries.function(l, LIBRARY, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = NativeLibraries.function(l, LIBRARY, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptxSize = NativeLibraries.function(l, LIBRARY, "nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = NativeLibraries.function(l, LIBRARY, "nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = NativeLibraries.function(l, LIBRARY, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = NativeLibraries.function(l, LIBRARY, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        version = NativeLibraries.function(l, LIBRARY, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /** Loads NVRTC once per process; a CudaException says where it looked when it is missing. */
    public static Nvrtc load() {
        Nvrtc n = instance;
        if (n == null) {
            synchronized (Nvrtc.class) {
                n = instance;
                if (n == null) {
                    instance = n = new Nvrtc(NativeLibraries.load("NVRTC (run-time CUDA compiler)", SONAMES));
                }
            }
        }
        return n;
    }

    /** e.g. "13.0". */
    public String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT);
            MemorySegment minor = a.allocate(JAVA_INT);
            check((int) version.invokeExact(major, minor), "nvrtcVersion");
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /**
     * As {@link #compileToPtx}, through the process's {@link KernelCache}: the PTX of an earlier compile of the same
     * source with the same options and NVRTC version comes from disk, without running the compiler.
     */
    public byte[] compileCached(String source, String fileName, List<String> options) {
        KernelCache c = cache;
        if (c == null) {
            synchronized (this) {
                c = cache;
                if (c == null) {
                    cache = c = new KernelCache(KernelCache.configuredDirectory().orElse(null), version(), this::compileToPtx,
                            System.err);
                }
            }
        }
        return c.compileCached(source, fileName, options);
    }

    /**
     * Compiles {@code source} (named {@code fileName} in messages) with {@code options}, e.g.
     * {@code --gpu-architecture=compute_90}, and returns the PTX text (without its terminating NUL).
     */
    public byte[] compileToPtx(String source, String fileName, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment program = a.allocate(ADDRESS);
            check((int) create.invokeExact(program, a.allocateFrom(source), a.allocateFrom(fileName), 0, MemorySegment.NULL,
                    MemorySegment.NULL), "nvrtcCreateProgram(" + fileName + ")");
            MemorySegment handle = program.get(ADDRESS, 0);
            try {
                MemorySegment optionArray = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    optionArray.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                }
                int status = (int) compile.invokeExact(handle, options.size(), optionArray);
                if (status != 0) {
                    throw new CudaException("nvrtcCompileProgram(" + fileName + ", " + options + ")", status, name(status),
                            "compiler log:\n" + log(a, handle));
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) ptxSize.invokeExact(handle, size), "nvrtcGetPTXSize");
                long bytes = size.get(JAVA_LONG, 0);
                MemorySegment text = a.allocate(bytes);
                check((int) ptx.invokeExact(handle, text), "nvrtcGetPTX");
                byte[] out = text.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                int length = out.length;
                while (length > 0 && out[length - 1] == 0) {
                    length--;
                }
                return java.util.Arrays.copyOf(out, length);
            } finally {
                check((int) destroy.invokeExact(program), "nvrtcDestroyProgram");
            }
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    private String log(Arena a, MemorySegment handle) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) logSize.invokeExact(handle, size) != 0) {
            return "(no log)";
        }
        MemorySegment text = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        if ((int) log.invokeExact(handle, text) != 0) {
            return "(no log)";
        }
        return new String(text.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    private String name(int status) {
        try {
            MemorySegment text = (MemorySegment) errorString.invokeExact(status);
            return text.equals(MemorySegment.NULL) ? "NVRTC_ERROR_" + status : text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "NVRTC_ERROR_" + status;
        }
    }

    private void check(int status, String call) {
        if (status != 0) {
            throw new CudaException(call, status, name(status), "");
        }
    }
}
