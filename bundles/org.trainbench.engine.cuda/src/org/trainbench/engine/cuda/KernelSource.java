package org.trainbench.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The CUDA C sources this bundle ships beside its classes ({@code *.cu}, compiled at run time by NVRTC). */
public final class KernelSource {
    private KernelSource() {
    }

    /** The header every source may include; NVRTC has no include path, so {@link #read} puts it in place. */
    public static final String COMMON_HEADER = "trainbench_common.cuh";
    private static final String INCLUDE_COMMON = "#include \"" + COMMON_HEADER + "\"";

    /**
     * The source file {@code name} of this package, e.g. {@code llama_kernels.cu}, with the line
     * {@code #include "trainbench_common.cuh"} replaced by that header's text (its hash is part of the kernel cache's
     * key, so a changed header recompiles).
     */
    public static String read(String name) {
        String source = readFile(name);
        return source.contains(INCLUDE_COMMON) ? source.replace(INCLUDE_COMMON, readFile(COMMON_HEADER)) : source;
    }

    private static String readFile(String name) {
        try (InputStream in = KernelSource.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + KernelSource.class.getName()
                        + ": the bundle was built without its kernel source (check build.properties)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }
}
