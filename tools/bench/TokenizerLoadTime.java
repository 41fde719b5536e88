import java.nio.file.Path;

import org.trainbench.engine.tokenizer.PretrainedTokenizer;

/**
 * Milliseconds of one PretrainedTokenizer.load in this (fresh) JVM, as `trainbench tokenize` pays it; compiled and
 * run by tools/bench/tokenizer_load.sh against each distribution's jars (only the public API, so any version works).
 */
public final class TokenizerLoadTime {
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        PretrainedTokenizer tokenizer = PretrainedTokenizer.load(Path.of(args[0]));
        long end = System.nanoTime();
        System.out.printf("%.1f %d%n", (end - start) / 1e6, tokenizer.tokenizer().vocabularySize());
    }
}
