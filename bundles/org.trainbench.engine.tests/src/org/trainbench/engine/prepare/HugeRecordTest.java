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
 * 96 MB (it needed about 71 times its size before pre-tokenization streamed its pieces; BENCHMARKS.md has the numbers);
 * in 16 MB it runs out of memory, leaves no {@code out.partial} behind, and the next run prepares it.
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

    /** huge.jsonl (one record of RECORD_BYTES), the llama3 fixture tokenizer and prepare.yaml writing out/. */
    private void writeInputs() throws IOException {
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
    }

    /** Runs the child JVM with {@code heap}; returns its exit code and output. */
    private String[] prepareIn(String heap) throws Exception {
        Path log = dir.resolve("child-" + heap + ".log");
        Process child = ChildJvm.start(HugeRecordTest.class, List.of("-Xmx" + heap), List.of(dir.resolve("prepare.yaml").toString()), log);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
        return new String[] {Integer.toString(child.exitValue()), Files.readString(log)};
    }

    @Test
    void aFourMegabyteRecordIsPreparedIn96MegabytesOfHeap() throws Exception {
        writeInputs();
        String[] run = prepareIn("96m");
        assertEquals("0", run[0], run[1]);
        assertTrue(run[1].contains("documents 1 tokens "), run[1]);
    }

    @Test
    void aRunOutOfMemoryLeavesNoWorkFolderAndTheNextRunPrepares() throws Exception {
        writeInputs();
        String[] starved = prepareIn("16m");
        assertTrue(!starved[0].equals("0") && starved[1].contains("OutOfMemoryError"), starved[1]);
        assertTrue(!Files.exists(dir.resolve("out.partial")), "out.partial was left behind");
        String[] next = prepareIn("96m");
        assertEquals("0", next[0], next[1]);
        assertTrue(next[1].contains("documents 1 tokens "), next[1]);
    }
}
