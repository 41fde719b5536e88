package org.trainbench.engine.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds NVIDIA's shared libraries and makes downcall handles into them.
 *
 * <p>The driver (libcuda.so.1) is always on the loader's path where a GPU is; the toolkit libraries (NVRTC, cuBLAS)
 * often are not: CUDA installs them under /usr/local/cuda-13.0/targets/x86_64-linux/lib without an ldconfig entry.
 * So each library is tried by its soname first (LD_LIBRARY_PATH, the ldconfig cache), then in the directories of
 * {@value #LIBRARY_PATH_PROPERTY}, $CUDA_HOME, $CUDA_PATH and the usual install locations.
 */
public final class NativeLibraries {
    /** A path list (':'-separated) of directories searched first for the toolkit libraries. */
    public static final String LIBRARY_PATH_PROPERTY = "trainbench.cuda.libraries";

    static final Linker LINKER = Linker.nativeLinker();

    private NativeLibraries() {
    }

    /** Directories searched after the loader's own path, in order. */
    public static List<Path> searchDirectories() {
        List<Path> dirs = new ArrayList<>();
        String property = System.getProperty(LIBRARY_PATH_PROPERTY, "");
        for (String d : property.split(":")) {
            if (!d.isBlank()) {
                dirs.add(Path.of(d));
            }
        }
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String home = System.getenv(env);
            if (home != null && !home.isBlank()) {
                dirs.add(Path.of(home, "targets", "x86_64-linux", "lib"));
                dirs.add(Path.of(home, "lib64"));
            }
        }
        for (String home : new String[] {"/usr/local/cuda", "/usr/local/cuda-13.0", "/usr/local/cuda-13"}) {
            dirs.add(Path.of(home, "targets", "x86_64-linux", "lib"));
            dirs.add(Path.of(home, "lib64"));
        }
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        return dirs;
    }

    /**
     * Loads the first of {@code sonames} that can be found (they are alternatives, newest first).
     *
     * @throws CudaException naming every soname and directory tried
     */
    public static SymbolLookup load(String purpose, String... sonames) {
        Arena arena = Arena.global();
        for (String soname : sonames) {
            try {
                return SymbolLookup.libraryLookup(soname, arena);
            } catch (IllegalArgumentException notOnLoaderPath) {
                // try the toolkit directories below
            }
        }
        List<Path> dirs = searchDirectories();
        for (String soname : sonames) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(soname);
                if (Files.isRegularFile(candidate)) {
                    try {
                        return SymbolLookup.libraryLookup(candidate, arena);
                    } catch (IllegalArgumentException unloadable) {
                        throw new CudaException(purpose + ": " + candidate + " exists but cannot be loaded: " + unloadable.getMessage());
                    }
                }
            }
        }
        throw new CudaException(purpose + ": none of " + String.join(", ", sonames)
                + " is on the loader path (LD_LIBRARY_PATH, ldconfig) or in " + dirs
                + "; install the CUDA 13 toolkit libraries or name their directory with -D" + LIBRARY_PATH_PROPERTY + "=DIR");
    }

    /** A downcall handle for {@code name}, or a CudaException naming the library and the missing function. */
    static MethodHandle function(SymbolLookup library, String libraryName, String name, FunctionDescriptor descriptor,
            Linker.Option... options) {
        MemorySegment symbol = library.find(name)
                .orElseThrow(() -> new CudaException(libraryName + " has no function " + name + " (library too old?)"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** Rethrows what a downcall threw: nothing checked is expected from native code. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
