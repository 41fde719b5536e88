package org.trainbench.engine.train.distributed;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The CPU {@link Communicator}: worker processes connected by TCP, one connection between every two ranks (a full mesh,
 * for the few workers of one host or a small CPU cluster).
 *
 * <p><b>Rendezvous.</b> Rank 0 listens on {@code MASTER_ADDR:MASTER_PORT}, bound to that address only. Every other rank
 * connects to it (retrying until the timeout, so start order does not matter), opens its own listening socket on the
 * address it reached rank 0 from, and sends its rank, the world size and the run's fingerprint (a hash of the resolved
 * config). Rank 0 checks that every rank came once, with the same world size and fingerprint, and answers all of them
 * with the table of listening addresses, or with the error; then each rank connects to the ranks below it.
 *
 * <p><b>Collectives.</b> A reduce-scatter sends each shard to its owner, which adds the N contributions in rank order; an
 * all-gather sends the own shard to every peer; an all-reduce is the two in a row. Each rank thus sends
 * {@code 2 (N-1)/N} of the data for an all-reduce and {@code (N-1)/N} for a reduce-scatter or an all-gather, as a ring
 * does, and every sum has a fixed order, so the result does not depend on timing and is the same bits on every rank.
 * Writes run on virtual threads while the caller reads, so large messages never deadlock on full socket buffers.
 *
 * <p>Every message carries a sequence number and its operation, so ranks that run different collectives fail at once
 * instead of reading each other's data. A read waits at most the timeout; a closed connection fails at once; any
 * failure closes every connection of this rank, so the other ranks stop too instead of waiting for their timeout.
 */
public final class TcpCommunicator implements Communicator {
    private static final int MAGIC = 0x54424450;
    private static final int PROTOCOL = 1;
    private static final int HEADER_BYTES = 12;

    private enum Op {
        ALL_REDUCE_SCATTER("all_reduce"), REDUCE_SCATTER("reduce_scatter"), ALL_GATHER("all_gather"), BROADCAST("broadcast"),
        ALL_REDUCE_VALUES("all_reduce (values)"), BARRIER("barrier");

        final String label;

        Op(String label) {
            this.label = label;
        }
    }

    private record Peer(int rank, Socket socket, DataInputStream in, DataOutputStream out) {
        Peer withRank(int r) {
            return new Peer(r, socket, in, out);
        }
    }

    private final int rank;
    private final int worldSize;
    private final Duration timeout;
    private final Peer[] peers;
    private final AtomicLong bytesSent = new AtomicLong();
    private int sequence;
    private volatile boolean closed;

    private TcpCommunicator(int rank, int worldSize, Duration timeout, Peer[] peers) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
        this.peers = peers;
    }

    /**
     * Joins the group: rank 0 listens on {@code masterAddress:masterPort}, the others connect to it.
     *
     * @param fingerprint what every rank must agree on (a hash of the resolved config); a rank whose fingerprint differs
     *                    from rank 0's makes every rank fail before training
     * @throws CommunicatorException when the port is in use, rank 0 cannot be reached, a rank is missing or duplicated,
     *                               or the ranks disagree; within {@code timeout}
     */
    public static TcpCommunicator connect(String masterAddress, int masterPort, int rank, int worldSize, Duration timeout, String fingerprint) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not in a world of " + worldSize);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return rank == 0 ? host(masterAddress, masterPort, worldSize, timeout, deadline, fingerprint)
                    : join(masterAddress, masterPort, rank, worldSize, timeout, deadline, fingerprint);
        } catch (IOException e) {
            throw new CommunicatorException("rank " + rank + ": rendezvous at " + masterAddress + ":" + masterPort + " failed: " + e, e);
        }
    }

    private static TcpCommunicator host(String address, int port, int worldSize, Duration timeout, long deadline, String fingerprint)
            throws IOException {
        Peer[] peers = new Peer[worldSize];
        List<Socket> accepted = new ArrayList<>();
        String[] hosts = new String[worldSize];
        int[] ports = new int[worldSize];
        List<String> problems = new ArrayList<>();
        try (ServerSocket server = new ServerSocket()) {
            try {
                server.bind(new InetSocketAddress(InetAddress.getByName(address), port), worldSize * 2);
            } catch (BindException e) {
                throw new CommunicatorException("rank 0: cannot listen on " + address + ":" + port + " (MASTER_ADDR:MASTER_PORT): "
                        + e.getMessage() + ". Another run or program holds this port, or the address is not one of this host's;"
                        + " set MASTER_PORT (--master-port) to a free port and MASTER_ADDR to an address of rank 0's host", e);
            }
            int joined = 1;
            while (joined < worldSize) {
                server.setSoTimeout(remainingMillis(deadline, timeout, "rank 0: rendezvous: " + missing(peers) + " did not connect to "
                        + address + ":" + port + " within " + seconds(timeout)));
                Socket socket;
                try {
                    socket = server.accept();
                } catch (SocketTimeoutException e) {
                    throw new CommunicatorException("rank 0: rendezvous: " + missing(peers) + " did not connect to " + address + ":" + port
                            + " within " + seconds(timeout) + " (model.distributed.timeout); did those workers start, with the same"
                            + " MASTER_ADDR, MASTER_PORT and WORLD_SIZE?");
                }
                accepted.add(socket);
                Peer peer = open(socket, timeout);
                if (peer.in.readInt() != MAGIC || peer.in.readInt() != PROTOCOL) {
                    socket.close(); // not one of ours
                    continue;
                }
                int theirRank = peer.in.readInt();
                int theirWorld = peer.in.readInt();
                String theirFingerprint = peer.in.readUTF();
                int theirPort = peer.in.readInt();
                if (theirWorld != worldSize) {
                    problems.add("rank " + theirRank + " has WORLD_SIZE " + theirWorld + " but rank 0 has " + worldSize);
                } else if (theirRank <= 0 || theirRank >= worldSize) {
                    problems.add("a worker came with RANK " + theirRank + ", outside 1.." + (worldSize - 1));
                } else if (peers[theirRank] != null) {
                    problems.add("two workers came with RANK " + theirRank);
                } else if (!theirFingerprint.equals(fingerprint)) {
                    problems.add("rank " + theirRank + "'s resolved config differs from rank 0's (fingerprint " + shortHash(theirFingerprint)
                            + " vs " + shortHash(fingerprint) + "): start every worker with the same config file, --set options and backend");
                }
                if (theirRank > 0 && theirRank < worldSize && peers[theirRank] == null) {
                    peers[theirRank] = new Peer(theirRank, socket, peer.in, peer.out);
                    hosts[theirRank] = socket.getInetAddress().getHostAddress();
                    ports[theirRank] = theirPort;
                }
                joined++;
                if (!problems.isEmpty()) {
                    break;
                }
            }
            for (Socket socket : accepted) {
                if (socket.isClosed()) {
                    continue;
                }
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                if (problems.isEmpty()) {
                    out.writeInt(0);
                    for (int r = 1; r < worldSize; r++) {
                        out.writeUTF(hosts[r]);
                        out.writeInt(ports[r]);
                    }
                } else {
                    out.writeInt(1);
                    out.writeUTF(String.join("; ", problems));
                }
                out.flush();
            }
            if (!problems.isEmpty()) {
                throw new CommunicatorException("rank 0: the workers disagree: " + String.join("; ", problems));
            }
        } catch (IOException | RuntimeException e) {
            for (Socket socket : accepted) {
                socket.close();
            }
            throw e;
        }
        TcpCommunicator communicator = new TcpCommunicator(0, worldSize, timeout, peers);
        communicator.barrier("rendezvous");
        return communicator;
    }

    private static TcpCommunicator join(String address, int port, int rank, int worldSize, Duration timeout, long deadline, String fingerprint)
            throws IOException {
        Peer[] peers = new Peer[worldSize];
        Socket master = null;
        while (master == null) {
            Socket attempt = new Socket();
            try {
                attempt.connect(new InetSocketAddress(address, port), remainingMillis(deadline, timeout, ""));
                master = attempt;
            } catch (ConnectException | SocketTimeoutException | CommunicatorException e) {
                attempt.close();
                if (System.nanoTime() > deadline) {
                    throw new CommunicatorException("rank " + rank + ": could not reach rank 0 at " + address + ":" + port + " within "
                            + seconds(timeout) + " (" + e.getMessage() + "): is rank 0 running, with the same MASTER_ADDR and MASTER_PORT?");
                }
                sleep(100);
            }
        }
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(master.getLocalAddress(), 0), worldSize * 2);
            Peer zero = open(master, timeout);
            zero.out.writeInt(MAGIC);
            zero.out.writeInt(PROTOCOL);
            zero.out.writeInt(rank);
            zero.out.writeInt(worldSize);
            zero.out.writeUTF(fingerprint);
            zero.out.writeInt(listener.getLocalPort());
            zero.out.flush();
            master.setSoTimeout(remainingMillis(deadline, timeout, "rank " + rank + ": rank 0 did not answer within " + seconds(timeout)));
            int status;
            try {
                status = zero.in.readInt();
            } catch (SocketTimeoutException e) {
                throw new CommunicatorException("rank " + rank + ": rendezvous: rank 0 did not answer within " + seconds(timeout)
                        + " (model.distributed.timeout): are all " + worldSize + " workers started?");
            } catch (EOFException e) {
                throw new CommunicatorException("rank " + rank + ": rendezvous: rank 0 closed the connection; see rank 0's message");
            }
            if (status != 0) {
                throw new CommunicatorException("rank " + rank + ": rendezvous refused by rank 0: " + zero.in.readUTF());
            }
            String[] hosts = new String[worldSize];
            int[] ports = new int[worldSize];
            for (int r = 1; r < worldSize; r++) {
                hosts[r] = zero.in.readUTF();
                ports[r] = zero.in.readInt();
            }
            master.setSoTimeout(millis(timeout));
            peers[0] = new Peer(0, master, zero.in, zero.out);
            for (int r = 1; r < rank; r++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(hosts[r], ports[r]), remainingMillis(deadline, timeout, "rank " + rank
                        + ": rendezvous: could not reach rank " + r + " within " + seconds(timeout)));
                Peer peer = open(socket, timeout);
                peer.out.writeInt(MAGIC);
                peer.out.writeInt(rank);
                peer.out.flush();
                peers[r] = peer.withRank(r);
            }
            for (int count = rank + 1; count < worldSize; count++) {
                listener.setSoTimeout(remainingMillis(deadline, timeout, "rank " + rank + ": rendezvous: " + missing(peers)
                        + " did not connect within " + seconds(timeout)));
                Socket socket = listener.accept();
                Peer peer = open(socket, timeout);
                if (peer.in.readInt() != MAGIC) {
                    socket.close();
                    count--;
                    continue;
                }
                int theirRank = peer.in.readInt();
                if (theirRank <= rank || theirRank >= worldSize || peers[theirRank] != null) {
                    throw new CommunicatorException("rank " + rank + ": rendezvous: unexpected connection from rank " + theirRank);
                }
                peers[theirRank] = peer.withRank(theirRank);
            }
        } catch (IOException | RuntimeException e) {
            master.close();
            for (Peer peer : peers) {
                if (peer != null) {
                    peer.socket.close();
                }
            }
            throw e;
        }
        TcpCommunicator communicator = new TcpCommunicator(rank, worldSize, timeout, peers);
        communicator.barrier("rendezvous");
        return communicator;
    }

    private static Peer open(Socket socket, Duration timeout) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(millis(timeout));
        return new Peer(-1, socket, new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16)),
                new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16)));
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public void allReduceSum(float[] data, int offset, int length) {
        FlatPartition partition = FlatPartition.of(length, worldSize);
        reduceScatter(Op.ALL_REDUCE_SCATTER, data, offset, partition);
        gather(Op.ALL_REDUCE_SCATTER, data, offset, partition);
    }

    @Override
    public void reduceScatterSum(float[] data, int offset, FlatPartition partition) {
        reduceScatter(Op.REDUCE_SCATTER, data, offset, partition);
    }

    @Override
    public void allGather(float[] data, int offset, FlatPartition partition) {
        gather(Op.ALL_GATHER, data, offset, partition);
    }

    private void reduceScatter(Op op, float[] data, int offset, FlatPartition partition) {
        check(partition);
        int start = offset + (int) partition.start(rank);
        int size = (int) partition.size(rank);
        float[][] contributions = new float[worldSize][];
        contributions[rank] = java.util.Arrays.copyOfRange(data, start, start + size);
        round(op, peer -> floats(data, offset + (int) partition.start(peer), (int) partition.size(peer)),
                (peer, bytes) -> contributions[peer] = floats(bytes, size, peer, op));
        for (int i = 0; i < size; i++) {
            float sum = contributions[0][i];
            for (int r = 1; r < worldSize; r++) {
                sum += contributions[r][i];
            }
            data[start + i] = sum;
        }
    }

    private void gather(Op op, float[] data, int offset, FlatPartition partition) {
        check(partition);
        byte[] own = floats(data, offset + (int) partition.start(rank), (int) partition.size(rank));
        round(op, peer -> own, (peer, bytes) -> {
            int size = (int) partition.size(peer);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data, offset + (int) partition.start(peer),
                    checkedLength(bytes, size * 4, peer, op) / 4);
        });
    }

    @Override
    public void broadcast(float[] data, int offset, int length, int root) {
        if (worldSize == 1) {
            return;
        }
        int seq = ++sequence;
        try {
            if (rank == root) {
                byte[] payload = floats(data, offset, length);
                List<Thread> senders = new ArrayList<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                for (Peer peer : peers) {
                    if (peer != null) {
                        senders.add(send(peer, seq, Op.BROADCAST, payload, failure));
                    }
                }
                awaitSenders(Op.BROADCAST, senders, failure);
            } else {
                byte[] bytes = receive(peers[root], seq, Op.BROADCAST);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data, offset,
                        checkedLength(bytes, length * 4, root, Op.BROADCAST) / 4);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public double[] allReduceSum(double... values) {
        return sumValues(Op.ALL_REDUCE_VALUES, values);
    }

    @Override
    public void barrier(String what) {
        try {
            sumValues(Op.BARRIER, new double[0]);
        } catch (CommunicatorException e) {
            throw new CommunicatorException(e.getMessage() + " (at " + what + ")", e.getCause());
        }
    }

    private double[] sumValues(Op op, double[] values) {
        double[][] all = new double[worldSize][];
        all[rank] = values.clone();
        ByteBuffer own = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        own.asDoubleBuffer().put(values);
        round(op, peer -> own.array(), (peer, bytes) -> {
            double[] theirs = new double[checkedLength(bytes, values.length * 8, peer, op) / 8];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(theirs);
            all[peer] = theirs;
        });
        double[] sum = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double s = all[0][i];
            for (int r = 1; r < worldSize; r++) {
                s += all[r][i];
            }
            sum[i] = s;
        }
        return sum;
    }

    private interface Payload {
        byte[] forPeer(int peer);
    }

    private interface Receiver {
        void accept(int peer, byte[] bytes);
    }

    /** One exchange: a payload to every peer (on virtual threads) while reading one from every peer, in rank order. */
    private void round(Op op, Payload payload, Receiver receiver) {
        if (worldSize == 1) {
            return;
        }
        int seq = ++sequence;
        try {
            List<Thread> senders = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (Peer peer : peers) {
                if (peer != null) {
                    senders.add(send(peer, seq, op, payload.forPeer(peer.rank), failure));
                }
            }
            for (Peer peer : peers) {
                if (peer != null) {
                    receiver.accept(peer.rank, receive(peer, seq, op));
                }
            }
            awaitSenders(op, senders, failure);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Thread send(Peer peer, int seq, Op op, byte[] payload, AtomicReference<Throwable> failure) {
        if (closed) {
            throw new CommunicatorException("rank " + rank + ": " + op.label + ": the communicator is closed (an earlier collective failed)");
        }
        return Thread.ofVirtual().name("trainbench-send-to-rank-" + peer.rank).start(() -> {
            try {
                peer.out.writeInt(seq);
                peer.out.writeInt(op.ordinal());
                peer.out.writeInt(payload.length);
                peer.out.write(payload);
                peer.out.flush();
                bytesSent.addAndGet(HEADER_BYTES + payload.length);
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, new CommunicatorException("rank " + rank + ": " + op.label + ": sending to rank " + peer.rank
                        + " failed (" + e.getMessage() + "): its process ended or closed the connection; see its output", e));
            }
        });
    }

    private void awaitSenders(Op op, List<Thread> senders, AtomicReference<Throwable> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread sender : senders) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !sender.join(Duration.ofNanos(left))) {
                    throw new CommunicatorException("rank " + rank + ": " + op.label + ": a peer did not take its data for " + seconds(timeout)
                            + " (model.distributed.timeout); it hangs or is far behind");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommunicatorException("rank " + rank + ": " + op.label + ": interrupted", e);
            }
        }
        if (failure.get() instanceof CommunicatorException e) {
            throw e;
        }
    }

    private byte[] receive(Peer peer, int seq, Op op) {
        if (closed) {
            throw new CommunicatorException("rank " + rank + ": " + op.label + ": the communicator is closed (an earlier collective failed)");
        }
        try {
            int theirSeq = peer.in.readInt();
            int theirOp = peer.in.readInt();
            int length = peer.in.readInt();
            if (theirSeq != seq || theirOp != op.ordinal()) {
                String theirs = theirOp >= 0 && theirOp < Op.values().length ? Op.values()[theirOp].label : "operation " + theirOp;
                throw new CommunicatorException("rank " + rank + ": collective #" + seq + " is " + op.label + " but rank " + peer.rank
                        + " sent #" + theirSeq + " " + theirs + ": the ranks no longer run the same steps (their configs or data differ)");
            }
            byte[] bytes = new byte[length];
            peer.in.readFully(bytes);
            return bytes;
        } catch (SocketTimeoutException e) {
            throw new CommunicatorException("rank " + rank + ": " + op.label + ": no data from rank " + peer.rank + " for " + seconds(timeout)
                    + " (model.distributed.timeout): rank " + peer.rank + " hangs or is far behind", e);
        } catch (IOException e) {
            throw new CommunicatorException("rank " + rank + ": " + op.label + ": the connection to rank " + peer.rank + " closed ("
                    + (e instanceof EOFException ? "end of stream" : e.getMessage()) + "): rank " + peer.rank
                    + "'s process ended or failed; see its output", e);
        }
    }

    private void check(FlatPartition partition) {
        if (partition.parts() != worldSize) {
            throw new IllegalArgumentException("a partition over " + partition.parts() + " ranks in a world of " + worldSize);
        }
    }

    private int checkedLength(byte[] bytes, int expected, int peer, Op op) {
        if (bytes.length != expected) {
            throw new CommunicatorException("rank " + rank + ": " + op.label + ": rank " + peer + " sent " + bytes.length + " bytes where "
                    + expected + " were expected: the ranks' models or configs differ");
        }
        return expected;
    }

    private float[] floats(byte[] bytes, int count, int peer, Op op) {
        float[] values = new float[checkedLength(bytes, count * 4, peer, op) / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static byte[] floats(float[] data, int offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(data, offset, length);
        return buffer.array();
    }

    @Override
    public void close() {
        closed = true;
        for (Peer peer : peers) {
            if (peer != null) {
                try {
                    peer.socket.close();
                } catch (IOException e) {
                    // closing is best effort: the peer sees the connection end either way
                }
            }
        }
    }

    private static int millis(Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    private static int remainingMillis(long deadline, Duration timeout, String message) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new CommunicatorException(message.isEmpty() ? "rendezvous timed out after " + seconds(timeout) : message);
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static String missing(Peer[] peers) {
        TreeSet<Integer> ranks = new TreeSet<>();
        for (int r = 1; r < peers.length; r++) {
            if (peers[r] == null) {
                ranks.add(r);
            }
        }
        return (ranks.size() == 1 ? "rank " : "ranks ") + ranks.toString().replaceAll("[\\[\\]]", "");
    }

    private static String seconds(Duration timeout) {
        return String.format(Locale.ROOT, "%.1f s", timeout.toMillis() / 1000.0);
    }

    private static String shortHash(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) : fingerprint;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommunicatorException("interrupted while waiting for rank 0", e);
        }
    }
}
