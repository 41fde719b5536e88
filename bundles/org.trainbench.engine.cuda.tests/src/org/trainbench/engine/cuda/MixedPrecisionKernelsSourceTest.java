package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The mixed-precision kernel source ships in the bundle and defines exactly the kernels the Java side looks up. */
class MixedPrecisionKernelsSourceTest {

    @Test
    void bundledSourceDefinesEveryKernelTheJavaSideLaunches() {
        String source = MixedPrecisionKernels.source();
        assertFalse(source.contains("#include"), "NVRTC compiles the source without an include path");
        TreeSet<String> defined = new TreeSet<>();
        Matcher m = Pattern.compile("__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?(\\w+)\\s*\\(").matcher(source);
        while (m.find()) {
            defined.add(m.group(1));
        }
        assertEquals(new TreeSet<>(MixedPrecisionKernels.KERNELS), defined);
        int externC = source.indexOf("extern \"C\" {");
        int firstKernel = source.indexOf("__global__");
        assertFalse(externC < 0 || firstKernel < externC, "kernels must be extern \"C\" so that cuModuleGetFunction finds them by name");
    }

    @Test
    void theFusedNormBackwardTakesRowsThatFitItsRegistersAndNoOthers() {
        assertEquals(64, MixedPrecisionKernels.fusedNormBlock(96));
        assertEquals(256, MixedPrecisionKernels.fusedNormBlock(4096));
        assertEquals(512, MixedPrecisionKernels.fusedNormBlock(8192));
        assertEquals(0, MixedPrecisionKernels.fusedNormBlock(8200), "wider than 8 * 2 * 512");
        assertEquals(0, MixedPrecisionKernels.fusedNormBlock(100), "not a multiple of 8");
        String source = MixedPrecisionKernels.source();
        assertTrue(source.contains("#define NORM_GROUPS 2") && source.contains("#define NORM_FUSED_MAX_BLOCK 512"),
                "the Java constants mirror the source's");
    }

    @Test
    void vectorAccessesNeedEveryAddressSixteenByteAligned() {
        assertTrue(MixedPrecisionKernels.aligned16(0L, 256L, 4096L));
        assertFalse(MixedPrecisionKernels.aligned16(256L, 258L));
        assertFalse(MixedPrecisionKernels.aligned16(8L));
    }
}
