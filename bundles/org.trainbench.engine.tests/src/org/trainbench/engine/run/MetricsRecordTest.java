package org.trainbench.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.json.Json;

class MetricsRecordTest {
    @TempDir
    Path dir;

    /** The example of docs/RUN_DIRECTORY.md, as an engine of November 2026 wrote it. */
    private static final List<String> DOCUMENTED = List.of(
            "{\"type\":\"event\",\"time\":\"2026-11-25T06:38:25.753Z\",\"event\":\"started\",\"step\":0,\"train_iters\":30,\"resumed_from_step\":null,\"batch_size\":16,\"sequence_length\":64,\"tokens_per_step\":1024,\"parameters\":415584,\"datasets\":{\"training\":{\"description\":\"dataset training: 20000 documents, ...\",\"skipped_documents\":605}}}",
            "{\"type\":\"train\",\"time\":\"2026-11-25T06:38:37.361Z\",\"step\":5,\"consumed_tokens\":5120,\"loss\":3.4393687617458255,\"lr\":3.75E-4,\"grad_norm\":7.310688158258828,\"tokens_per_s\":451.2,\"elapsed_s\":11.35,\"memory_bytes\":179159576,\"steps_averaged\":5}",
            "{\"type\":\"event\",\"time\":\"2026-11-25T06:38:38.223Z\",\"event\":\"checkpoint_saved\",\"step\":10,\"path\":\"checkpoints/step-10\",\"duration_s\":0.22}",
            "{\"type\":\"validation\",\"time\":\"2026-11-25T06:38:41.890Z\",\"step\":30,\"name\":\"validation\",\"dataset\":\"validation\",\"loss\":1.218960445966476,\"iterations\":4,\"counted_tokens\":975,\"consumed_tokens\":30720,\"duration_s\":0.12}",
            "{\"type\":\"event\",\"time\":\"2026-11-25T06:38:41.928Z\",\"event\":\"export_written\",\"step\":30,\"format\":\"llama\",\"path\":\"export/step-30\"}",
            "{\"type\":\"event\",\"time\":\"2026-11-25T06:38:42.053Z\",\"event\":\"finished\",\"step\":30,\"loss\":1.2143896846657256,\"consumed_tokens\":30720}");

    private static MetricsRecord parse(String line) throws MetricsRecord.MalformedLineException {
        return MetricsRecord.parse(line, "metrics.jsonl:1");
    }

    @Test
    void everyDocumentedLineReadsIntoItsRecordAndIsWrittenBackByteForByte() throws Exception {
        for (String line : DOCUMENTED) {
            assertEquals(line, Json.write(parse(line).toJson()), "written back as read");
        }
        MetricsRecord.Started started = (MetricsRecord.Started) parse(DOCUMENTED.get(0));
        assertEquals(30, started.trainIters());
        assertNull(started.resumedFromStep());
        assertEquals(1024, started.tokensPerStep());
        assertNull(started.pid(), "an engine of that time wrote no pid");
        assertEquals(605, started.datasets().get("training").skippedDocuments());
        MetricsRecord.Train train = (MetricsRecord.Train) parse(DOCUMENTED.get(1));
        assertEquals(3.4393687617458255, train.loss());
        assertEquals(3.75e-4, train.learningRate());
        assertEquals(Instant.parse("2026-11-25T06:38:37.361Z"), train.time());
        assertEquals(-1, train.peakMemoryBytes(), "a CPU run writes no device memory");
        assertTrue(Double.isNaN(train.mfu()));
        assertEquals("checkpoints/step-10", ((MetricsRecord.CheckpointSaved) parse(DOCUMENTED.get(2))).path());
        MetricsRecord.Evaluation validation = (MetricsRecord.Evaluation) parse(DOCUMENTED.get(3));
        assertEquals(975, validation.countedTokens());
        assertEquals("llama", ((MetricsRecord.ExportWritten) parse(DOCUMENTED.get(4))).format());
        MetricsRecord.Finished finished = (MetricsRecord.Finished) parse(DOCUMENTED.get(5));
        assertEquals(1.2143896846657256, finished.loss());
        assertTrue(finished.isTerminal());
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBackEqual() throws IOException {
        Instant time = Instant.parse("2026-12-08T01:02:03.004Z");
        List<MetricsRecord> records = List.of(
                new MetricsRecord.Started(time, 200, 1000, 200L, 8, 512, 4096, 123_456, "cuda (bf16)", 2, 1, 4242L, "gpu-7",
                        Map.of("training", new MetricsRecord.DatasetSummary("dataset training: 5 documents", 0))),
                new MetricsRecord.Train(time, 210, 860_160, 2.5, 1e-4, 0.75, 12_345.5, 99.25, 1 << 30, 75_591_424_000L, 0.503, 10, 8192),
                new MetricsRecord.Evaluation(time, false, 210, "held_out", "validation", 2.75, 4, 1900, 860_160, 0.5),
                new MetricsRecord.Evaluation(time, true, 1000, "test", "test", 2.5, 2, 950, 4_096_000, 0.25),
                new MetricsRecord.CheckpointSaved(time, 220, "checkpoints/step-220", 1.5),
                new MetricsRecord.ExportWritten(time, 220, "llama", "export/step-220"),
                new MetricsRecord.Stopped(time, 221, "SIGTERM", "checkpoints/step-221"),
                new MetricsRecord.Failed(time, 222, "training loss is NaN at step 222", 909_312),
                new MetricsRecord.Finished(time, 1000, 1.25, 4_096_000L),
                new MetricsRecord.Finished(time, 1000, null, null));
        try (MetricsLog log = MetricsLog.open(RunDirectory.of(dir))) {
            records.forEach(log::append);
        }
        assertEquals(records, MetricsLog.read(RunDirectory.of(dir).metrics()));
        assertEquals("{\"type\":\"event\",\"time\":\"2026-12-08T01:02:03.004Z\",\"event\":\"finished\",\"step\":1000}",
                Files.readAllLines(RunDirectory.of(dir).metrics()).getLast(), "a segment that trained nothing writes no loss");
    }

    @Test
    void aTestLineHasNoNameOnDiskAndReadsAsItsDataset() throws Exception {
        String line = Json.write(new MetricsRecord.Evaluation(null, true, 4, "test", "test", 1.5, 1, 10, 64, 0.1).toJson());
        assertTrue(!line.contains("\"name\""), line);
        MetricsRecord.Evaluation read = (MetricsRecord.Evaluation) parse(line);
        assertEquals("test", read.name());
        assertTrue(read.test());
    }

    @Test
    void linesOfOlderEnginesReadWithTheirMissingFieldsMarkedAbsent() throws Exception {
        MetricsRecord.Train train = (MetricsRecord.Train) parse("{\"type\":\"train\",\"step\":3,\"loss\":null}");
        assertTrue(Double.isNaN(train.loss()), "NaN is written as null");
        assertNull(train.time());
        assertEquals(-1, train.memoryBytes());
        MetricsRecord.Evaluation evaluation = (MetricsRecord.Evaluation) parse("{\"type\":\"validation\",\"step\":3,\"dataset\":\"v\"}");
        assertEquals("v", evaluation.name(), "an evaluator without a name is its dataset's");
        assertEquals(0, ((MetricsRecord.Event) parse("{\"type\":\"event\",\"event\":\"stopped\"}")).step());
    }

    @Test
    void anUnknownTypeIsSkippedAndAnUnknownEventKeptWhole() throws Exception {
        assertNull(parse("{\"type\":\"profile\",\"step\":3}"));
        MetricsRecord.OtherEvent other = assertInstanceOf(MetricsRecord.OtherEvent.class,
                parse("{\"type\":\"event\",\"event\":\"rebalanced\",\"step\":7,\"shards\":4,\"note\":null}"));
        assertEquals("rebalanced", other.event());
        assertEquals(7, other.step());
        assertEquals(4L, other.fields().get("shards"));
        assertTrue(!other.fields().containsKey("note"));
    }

    @Test
    void aMalformedLineNamesTheLineAndTheField() {
        assertEquals("metrics.jsonl:1: expected \"step\" to be a whole number >= 0 but got null",
                assertThrows(MetricsRecord.MalformedLineException.class, () -> parse("{\"type\":\"train\",\"loss\":1.0}")).getMessage());
        assertEquals("metrics.jsonl:1: expected \"loss\" to be a number but got \"low\"",
                assertThrows(MetricsRecord.MalformedLineException.class, () -> parse("{\"type\":\"train\",\"step\":1,\"loss\":\"low\"}"))
                        .getMessage());
        assertEquals("metrics.jsonl:1: expected a \"type\" text field (train, validation, test or event)",
                assertThrows(MetricsRecord.MalformedLineException.class, () -> parse("{\"step\":1}")).getMessage());
        assertEquals("metrics.jsonl:1: an event line needs an \"event\" text field",
                assertThrows(MetricsRecord.MalformedLineException.class, () -> parse("{\"type\":\"event\",\"step\":1}")).getMessage());
        assertTrue(assertThrows(MetricsRecord.MalformedLineException.class, () -> parse("{\"type\":")).getMessage().startsWith("metrics.jsonl:1"));
    }
}
