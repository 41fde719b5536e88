package org.trainbench.engine.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Tokenizer throughput on a corpus, one document per line, single thread:
 * <pre>
 * java -cp ... org.trainbench.engine.tokenizer.TokenizerBenchmark TOKENIZER_JSON CORPUS [PASSES]
 * </pre>
 * The corpus that tools/reference/tokenizer_fixtures.py writes ({@code --corpus-only} rebuilds it without
 * {@code tokenizers}) is the one HF's batch encoding was timed on. Each pass starts from a fresh tokenizer so the
 * piece cache is cold, as in a fresh HF process; the best pass after two warm-up passes is reported.
 */
public final class TokenizerBenchmark {
    private TokenizerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: TokenizerBenchmark TOKENIZER_JSON CORPUS [PASSES]");
            System.exit(2);
        }
        Path tokenizerPath = Path.of(args[0]);
        List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long bytes = 0;
        for (String line : lines) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        double best = Double.MAX_VALUE;
        long tokens = 0;
        for (int pass = 0; pass < passes + 2; pass++) {
            Tokenizer tokenizer = Tokenizer.load(tokenizerPath);
            long start = System.nanoTime();
            long count = 0;
            for (String line : lines) {
                count += tokenizer.encode(line).size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, seconds);
            }
            tokens = count;
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"tokenizer\": \"%s\", \"documents\": %d, \"bytes\": %d, \"tokens\": %d, \"seconds\": %.4f, "
                        + "\"tokens_per_second\": %.0f, \"threads\": 1}",
                tokenizerPath.getFileName(), lines.size(), bytes, tokens, best, tokens / best));
    }
}
