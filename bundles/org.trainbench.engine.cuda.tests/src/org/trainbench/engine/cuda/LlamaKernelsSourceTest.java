package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The kernel source ships in the bundle and defines exactly the kernels LlamaKernels looks up. */
class LlamaKernelsSourceTest {

    @Test
    void bundledSourceDefinesEveryKernelTheJavaSideLaunches() {
        String source = LlamaKernels.source();
        assertFalse(source.contains("#include"), "NVRTC compiles the source without an include path");
        TreeSet<String> defined = new TreeSet<>();
        Matcher m = Pattern.compile("__global__\\s+void\\s+(\\w+)\\s*\\(").matcher(source);
        while (m.find()) {
            defined.add(m.group(1));
        }
        assertEquals(new TreeSet<>(LlamaKernels.KERNELS), defined);
        int externC = source.indexOf("extern \"C\" {");
        int firstKernel = source.indexOf("__global__");
        assertFalse(externC < 0 || firstKernel < externC, "kernels must be extern \"C\" so that cuModuleGetFunction finds them by name");
    }
}
