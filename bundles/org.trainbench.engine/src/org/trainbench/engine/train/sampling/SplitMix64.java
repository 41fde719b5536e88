package org.trainbench.engine.train.sampling;

/**
 * The SplitMix64 generator (Steele, Lea, Flood 2014), written out so that the data order depends on nothing but the
 * seed: a JDK update cannot change which documents a resumed run sees.
 */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound): values below 2^64 mod bound are rejected, so every residue is equally likely. */
    int nextInt(int bound) {
        long threshold = Long.remainderUnsigned(-(long) bound, bound);
        while (true) {
            long bits = nextLong();
            if (Long.compareUnsigned(bits, threshold) >= 0) {
                return (int) Long.remainderUnsigned(bits, bound);
            }
        }
    }
}
