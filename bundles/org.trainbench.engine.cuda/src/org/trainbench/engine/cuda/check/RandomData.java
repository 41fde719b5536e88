package org.trainbench.engine.cuda.check;

/** Reproducible random inputs, fast enough for the 525M-element LM head of a Llama 3 8B (a hash per element). */
final class RandomData {
    private RandomData() {
    }

    /** Uniform in [-scale, scale): a SplitMix64 hash of (index, seed). */
    static float[] uniform(int len, long seed, float scale) {
        float[] out = new float[len];
        fill(out, seed, scale, 0f);
        return out;
    }

    /** Uniform in [offset - scale, offset + scale). */
    static float[] uniform(int len, long seed, float scale, float offset) {
        float[] out = new float[len];
        fill(out, seed, scale, offset);
        return out;
    }

    static void fill(float[] out, long seed, float scale, float offset) {
        java.util.stream.IntStream.range(0, (out.length + 65535) / 65536).parallel().forEach(block -> {
            int end = Math.min(out.length, (block + 1) * 65536);
            for (int i = block * 65536; i < end; i++) {
                long z = (i + 1L) * 0x9E3779B97F4A7C15L + seed * 0xD1B54A32D192ED03L;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z ^= z >>> 31;
                out[i] = offset + ((z >>> 40) * 0x1.0p-24f * 2f - 1f) * scale;
            }
        });
    }
}
