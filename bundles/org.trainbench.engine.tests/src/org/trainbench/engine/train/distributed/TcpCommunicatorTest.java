package org.trainbench.engine.train.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

/** The loopback TCP communicator between threads of one JVM (ranks are threads here, processes in a run). */
class TcpCommunicatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code body} as every rank of a fresh group and returns each rank's result. */
    private static <T> List<T> group(int world, Duration timeout, String[] fingerprints, RankBody<T> body) throws Exception {
        int port = freePort();
        try (ExecutorService threads = Executors.newFixedThreadPool(world)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                int rank = r;
                futures.add(threads.submit(() -> {
                    try (TcpCommunicator c = TcpCommunicator.connect("127.0.0.1", port, rank, world, timeout,
                            fingerprints == null ? "same" : fingerprints[rank])) {
                        return body.run(c);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }

    private interface RankBody<T> {
        T run(TcpCommunicator c) throws Exception;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    @Test
    void allReduceIsTheSumInRankOrderWithTheSameBitsOnEveryRankAndSendsTwiceNMinusOneOverNOfTheData() throws Exception {
        int world = 3;
        int n = 1000;
        IntFunction<float[]> input = rank -> random(rank + 1, n);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (input.apply(0)[i] + input.apply(1)[i]) + input.apply(2)[i];
        }
        List<long[]> sent = new ArrayList<>();
        List<float[]> results = group(world, TIMEOUT, null, c -> {
            float[] data = new float[n + 5];
            System.arraycopy(input.apply(c.rank()), 0, data, 5, n);
            long before = c.bytesSent();
            c.allReduceSum(data, 5, n);
            synchronized (sent) {
                sent.add(new long[] {c.rank(), c.bytesSent() - before});
            }
            return java.util.Arrays.copyOfRange(data, 5, n + 5);
        });
        for (float[] result : results) {
            assertArrayEquals(expected, result, 0f);
        }
        FlatPartition partition = FlatPartition.of(n, world);
        for (long[] rankSent : sent) {
            int rank = (int) rankSent[0];
            long payload = 0;
            for (int peer = 0; peer < world; peer++) {
                if (peer != rank) {
                    payload += 4 * (partition.size(peer) + partition.size(rank)); // its shard to each owner, then its own shard to all
                }
            }
            assertEquals(payload + 2 * (world - 1) * 12L, rankSent[1], "rank " + rank + " sends 2 (N-1)/N of the data plus headers");
        }
    }

    @Test
    void reduceScatterLeavesEachRankItsSummedShardAndAllGatherCompletesTheVector() throws Exception {
        int world = 2;
        int n = 300;
        FlatPartition partition = FlatPartition.of(n, world);
        List<float[]> results = group(world, TIMEOUT, null, c -> {
            float[] data = new float[n];
            java.util.Arrays.fill(data, c.rank() + 1);
            c.reduceScatterSum(data, 0, partition);
            for (long i = partition.start(c.rank()); i < partition.end(c.rank()); i++) {
                assertEquals(3f, data[(int) i]);
            }
            c.allGather(data, 0, partition);
            float[] broadcast = c.rank() == 1 ? new float[] {7, 8} : new float[2];
            c.broadcast(broadcast, 0, 2, 1);
            assertArrayEquals(new float[] {7, 8}, broadcast);
            assertArrayEquals(new double[] {3, 10}, c.allReduceSum(1 + c.rank(), 5), 0);
            c.barrier("test end");
            return data;
        });
        float[] threes = new float[n];
        java.util.Arrays.fill(threes, 3f);
        for (float[] result : results) {
            assertArrayEquals(threes, result);
        }
    }

    @Test
    void aRankThatNeverCallsTheCollectiveFailsTheOthersWithinTheTimeoutNamingRankAndOperation() throws Exception {
        long start = System.nanoTime();
        List<String> messages = group(2, Duration.ofMillis(800), null, c -> {
            if (c.rank() == 1) {
                Thread.sleep(1500);
                return "";
            }
            CommunicatorException e = assertThrows(CommunicatorException.class, () -> c.allReduceSum(new float[10], 0, 10));
            return e.getMessage();
        });
        assertTrue(messages.get(0).startsWith("rank 0: all_reduce: no data from rank 1 for 0.8 s"), messages.get(0));
        assertTrue(System.nanoTime() - start < 6e9);
    }

    @Test
    void aRankThatClosesMakesTheOtherFailAtOnceNamingIt() throws Exception {
        List<String> messages = group(2, Duration.ofSeconds(30), null, c -> {
            if (c.rank() == 1) {
                c.close();
                return "";
            }
            long start = System.nanoTime();
            CommunicatorException e = assertThrows(CommunicatorException.class, () -> c.allGather(new float[100], 0, FlatPartition.of(100, 2)));
            assertTrue(System.nanoTime() - start < 5e9, "a closed peer is noticed at once, not at the timeout");
            return e.getMessage();
        });
        assertTrue(messages.get(0).contains("rank 0: all_gather: the connection to rank 1 closed"), messages.get(0));
    }

    @Test
    void ranksWithDifferentFingerprintsAreRefusedOnEveryRankBeforeAnyCollective() throws Exception {
        int port = freePort();
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<?> zero = threads.submit(() -> TcpCommunicator.connect("127.0.0.1", port, 0, 2, TIMEOUT, "config-a"));
            Future<?> one = threads.submit(() -> TcpCommunicator.connect("127.0.0.1", port, 1, 2, TIMEOUT, "config-b"));
            String zeroMessage = assertThrows(ExecutionException.class, zero::get).getCause().getMessage();
            String oneMessage = assertThrows(ExecutionException.class, one::get).getCause().getMessage();
            assertTrue(zeroMessage.contains("rank 1's resolved config differs from rank 0's"), zeroMessage);
            assertTrue(oneMessage.startsWith("rank 1: rendezvous refused by rank 0: rank 1's resolved config differs"), oneMessage);
        }
    }

    @Test
    void aTakenPortIsAClearErrorOnRankZero() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CommunicatorException e = assertThrows(CommunicatorException.class,
                    () -> TcpCommunicator.connect("127.0.0.1", taken.getLocalPort(), 0, 2, TIMEOUT, "x"));
            assertTrue(e.getMessage().contains("rank 0: cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("MASTER_PORT"), e.getMessage());
        }
    }

    @Test
    void aMissingRankIsNamedWhenTheRendezvousTimesOut() {
        CommunicatorException e = assertThrows(CommunicatorException.class,
                () -> TcpCommunicator.connect("127.0.0.1", freePort(), 0, 3, Duration.ofMillis(300), "x"));
        assertTrue(e.getMessage().contains("ranks 1, 2 did not connect"), e.getMessage());
    }

    @Test
    void thePartitionCoversTheVectorInAlignedContiguousShards() {
        FlatPartition p = FlatPartition.of(1000, 3);
        assertEquals(384, p.shardSize());
        assertEquals(List.of(0L, 384L, 768L), List.of(p.start(0), p.start(1), p.start(2)));
        assertEquals(List.of(384L, 768L, 1000L), List.of(p.end(0), p.end(1), p.end(2)));
        FlatPartition tiny = FlatPartition.of(10, 4);
        assertEquals(List.of(10L, 0L, 0L, 0L), List.of(tiny.size(0), tiny.size(1), tiny.size(2), tiny.size(3)),
                "a vector smaller than one aligned shard lives on rank 0; the others own empty ranges");
    }
}
