package org.trainbench.engine.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.ChildJvm;
import org.trainbench.engine.TestFixtures;

/**
 * One huge JSON Lines record is prepared in a heap a small multiple of its size: a 4 MB record in a JVM limited to
 * 96 MB (it needed about 71 times its size before pre-tokenization streamed its pieces; BENCHMARKS.md has the numbers).
 */
class HugeRecordTest {
    private static final int RECORD_BYTES = 4_000_000;

    @TempDir
    Path dir;

    /** Child JVM: prepares the config named by the first argument, then prints the summary's first split. */
    public static void main(String[] args) throws IOException {
        DatasetPreparation.Summary summary = new DatasetPreparation(PreparationSettings.read(Path.of(args[0])), false, false,
                null).run();
        System.out.println("documents " + summary.splits().get("dataset")[0] + " tokens " + summary.splits().get("dataset")[1]);
    }

    @Test
    void aFourMegabyteRecordIsPreparedIn96MegabytesOfHeap() throws Exception {
        Path tokenizer = Files.createDirectories(dir.resolve("tokenizer"));
        Files.copy(TestFixtures.path("tokenizer/llama3.tokenizer.json"), tokenizer.resolve("tokenizer.json"));
        Files.writeString(tokenizer.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<|begin_of_text|>\", \"eos_token\": \"<|end_of_text|>\"}");
        String[] words = {"the", "of", "training", "memory", "record", "2026", "3.14", "(x)", "it's", "naïve", "日本語"};
        SplittableRandom random = new SplittableRandom(16);
        try (Writer out = Files.newBufferedWriter(dir.resolve("huge.jsonl"), StandardCharsets.UTF_8)) {
            out.write("{\"text\": \"");
            for (int written = 0; written < RECORD_BYTES;) {
                String word = words[random.nextInt(words.length)] + (random.nextInt(8) == 0 ? "\\n" : " ");
                out.write(word);
                written += word.length();
            }
            out.write("\"}\n");
        }
        Files.writeString(dir.resolve("prepare.yaml"), "output_path: out\ntokenize_workers: 1\ndataset:\n  path: huge.jsonl\n"
                + "tokenizer:\n  path: tokenizer\n");
        Path log = dir.resolve("child.log");
        Process child = ChildJvm.start(HugeRecordTest.class, List.of("-Xmx96m"), List.of(dir.resolve("prepare.yaml").toString()), log);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
        String output = Files.readString(log);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("documents 1 tokens "), output);
    }
}
