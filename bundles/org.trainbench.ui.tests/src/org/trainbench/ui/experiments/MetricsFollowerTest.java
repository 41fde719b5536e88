package org.trainbench.ui.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.run.MetricsRecord;

class MetricsFollowerTest {
    @TempDir
    Path dir;

    /** Collects what polls deliver. */
    static final class Collected implements MetricsFollower.Sink {
        final List<MetricsRecord> records = new ArrayList<>();
        final List<String> malformed = new ArrayList<>();
        int restarts;

        @Override
        public void restarted() {
            restarts++;
            records.clear();
        }

        @Override
        public void record(MetricsRecord record) {
            records.add(record);
        }

        @Override
        public void malformed(long lineNumber, String message) {
            malformed.add(lineNumber + ": " + message);
        }

        List<Long> trainSteps() {
            return records.stream().filter(MetricsRecord.Train.class::isInstance).map(MetricsRecord::step).toList();
        }
    }

    private Path file() {
        return dir.resolve("metrics.jsonl");
    }

    private void append(String text) throws IOException {
        Files.writeString(file(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String train(long step, double loss) {
        return "{\"type\":\"train\",\"time\":\"2026-11-25T07:00:00.000Z\",\"step\":" + step + ",\"consumed_tokens\":" + step * 4096
                + ",\"loss\":" + loss + ",\"lr\":3.0E-4,\"grad_norm\":1.25,\"tokens_per_s\":20000.0,\"elapsed_s\":" + step * 0.2
                + ",\"memory_bytes\":123456}\n";
    }

    @Test
    void readsOnlyWhatWasAppendedSinceTheLastPoll() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        append(train(10, 9.5) + train(20, 8.25));
        MetricsFollower.Poll first = follower.poll(sink);
        assertEquals(2, first.linesRead());
        assertEquals(List.of(10L, 20L), sink.trainSteps());
        assertEquals(Files.size(file()), follower.offset());

        append(train(30, 7.0));
        MetricsFollower.Poll second = follower.poll(sink);
        assertEquals(1, second.linesRead());
        assertEquals(train(30, 7.0).getBytes(StandardCharsets.UTF_8).length, second.bytesRead());
        assertEquals(List.of(10L, 20L, 30L), sink.trainSteps());
        MetricsRecord.Train last = (MetricsRecord.Train) sink.records.getLast();
        assertEquals(7.0, last.loss());
        assertEquals(30 * 4096, last.consumedTokens());
        assertEquals(3.0e-4, last.learningRate());
        assertEquals(6.0, last.elapsedSeconds(), 1e-12);
        assertEquals(123456, last.memoryBytes());

        assertEquals(0, follower.poll(sink).linesRead(), "nothing new: nothing read");
        assertEquals(-1, last.peakMemoryBytes(), "a CPU run writes no GPU memory");
        assertTrue(Double.isNaN(last.mfu()), "nor MFU");
    }

    @Test
    void aGpuRunsLineCarriesItsPeakDeviceMemoryAndMfuIntoTheSeries() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        append(train(10, 9.5).replace("}\n", ",\"peak_memory_bytes\":75591424000,\"mfu\":0.503}\n"));
        follower.poll(sink);
        MetricsRecord.Train line = (MetricsRecord.Train) sink.records.getLast();
        assertEquals(75_591_424_000L, line.peakMemoryBytes());
        assertEquals(0.503, line.mfu());
        RunMetrics metrics = new RunMetrics();
        metrics.record(line);
        assertEquals(75_591_424_000.0, metrics.train().last(Metric.DEVICE_MEMORY_BYTES));
        assertEquals(0.503, metrics.train().last(Metric.MFU));
    }

    @Test
    void leavesAPartialLastLineUntilItsNewlineIsWritten() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        String line = train(10, 9.5);
        append(line.substring(0, 40));
        follower.poll(sink);
        assertTrue(sink.records.isEmpty());
        assertTrue(sink.malformed.isEmpty(), "a line being written is not malformed");
        assertEquals(0, follower.offset());

        append(line.substring(40));
        follower.poll(sink);
        assertEquals(List.of(10L), sink.trainSteps());
        assertTrue(sink.malformed.isEmpty());
    }

    @Test
    void skipsMalformedLinesAndNamesTheirLineNumber() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        append(train(10, 9.5) + "{\"type\":\"train\",\"step\": oops}\n" + "{\"type\":\"train\",\"loss\":1.0}\n" + "\n" + train(20, 8.0)
                + "{\"type\":\"something_new\",\"step\":3}\n");
        follower.poll(sink);
        assertEquals(List.of(10L, 20L), sink.trainSteps());
        assertEquals(2, sink.malformed.size(), sink.malformed.toString());
        assertTrue(sink.malformed.get(0).startsWith("2: "), sink.malformed.get(0));
        assertTrue(sink.malformed.get(0).contains("metrics.jsonl:2"), sink.malformed.get(0));
        assertTrue(sink.malformed.get(1).contains("\"step\""), sink.malformed.get(1));
    }

    @Test
    void startsOverWhenTheFileIsTruncated() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        append(train(10, 9.5) + train(20, 8.25));
        follower.poll(sink);
        Files.writeString(file(), train(1, 10.0));
        follower.poll(sink);
        assertEquals(1, sink.restarts);
        assertEquals(List.of(1L), sink.trainSteps());
    }

    @Test
    void startsOverWhenTheFileIsReplacedByALongerOne() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        append(train(10, 9.5));
        follower.poll(sink);
        Path replacement = dir.resolve("new.jsonl");
        Files.writeString(replacement, train(5, 11.0) + train(15, 10.0) + train(25, 9.0));
        Files.move(replacement, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        follower.poll(sink);
        assertEquals(1, sink.restarts);
        assertEquals(List.of(5L, 15L, 25L), sink.trainSteps());
    }

    @Test
    void startsOverWhenTheFileIsRewrittenInPlaceWithOtherContent() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        append(train(10, 9.5));
        follower.poll(sink);
        // Same inode, longer content, different first bytes: an engine that recreated the file.
        Files.writeString(file(), train(1, 12.0) + train(2, 11.0), StandardOpenOption.TRUNCATE_EXISTING);
        follower.poll(sink);
        assertEquals(1, sink.restarts);
        assertEquals(List.of(1L, 2L), sink.trainSteps());
    }

    @Test
    void reportsAMissingFileAndPicksItUpOnceItAppears() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        assertTrue(follower.poll(sink).missing());
        append(train(10, 9.5));
        MetricsFollower.Poll poll = follower.poll(sink);
        assertFalse(poll.missing());
        assertEquals(List.of(10L), sink.trainSteps());
        Files.delete(file());
        assertTrue(follower.poll(sink).missing());
        assertEquals(List.of(10L), sink.trainSteps(), "records read before the file vanished are kept");
    }

    @Test
    void readsLinesLongerThanItsBufferAndWindowsLineEnds() throws IOException {
        MetricsFollower follower = new MetricsFollower(file());
        Collected sink = new Collected();
        String longMessage = "x".repeat(200_000);
        append("{\"type\":\"event\",\"event\":\"failed\",\"step\":7,\"message\":\"" + longMessage + "\"}\r\n" + train(8, 1.0).replace("\n", "\r\n"));
        follower.poll(sink);
        assertEquals(2, sink.records.size(), sink.malformed.toString());
        MetricsRecord.Failed failed = (MetricsRecord.Failed) sink.records.get(0);
        assertEquals(longMessage, failed.message());
        assertEquals(8, sink.records.get(1).step());
    }
}
