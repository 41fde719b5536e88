package org.trainbench.engine.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;


/**
 * NCCL (libnccl.so.2) through the foreign function API: the unique id, communicator set-up and the four collectives a
 * data-parallel run needs, on device buffers, enqueued on the default stream (where every kernel of the backend runs,
 * so they are ordered with it). Found as the CUDA libraries are ({@link NativeLibraries}). Enum values are NCCL's
 * ({@code nccl.h}: ncclFloat32 = 7, ncclBfloat16 = 9, ncclSum = 0).
 */
public final class Nccl {
    public static final String[] SONAMES = {"libnccl.so.2"};
    private static final String LIB = "NCCL (libnccl.so.2)";
    /** {@code NCCL_UNIQUE_ID_BYTES}. */
    public static final int UNIQUE_ID_BYTES = 128;
    static final MemoryLayout UNIQUE_ID = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, JAVA_BYTE));

    /** Element types of {@code ncclDataType_t} the backend sends. */
    public enum DataType {
        FLOAT32(7, 4), BFLOAT16(9, 2);

        final int code;
        final int bytes;

        DataType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    private static final int SUM = 0;
    private static final int IN_PROGRESS = 7;  // ncclInProgress

    private static volatile Nccl instance;

    private final MethodHandle getVersion;
    private final MethodHandle getUniqueId;
    private final MethodHandle commInitRank;
    private final MethodHandle commDestroy;
    private final MethodHandle commAbort;
    private final MethodHandle commGetAsyncError;
    private final MethodHandle allReduce;
    private final MethodHandle reduceScatter;
    private final MethodHandle allGather;
    private final MethodHandle broadcast;
    private final MethodHandle errorString;

    private Nccl(SymbolLookup l) {
        getVersion = NativeLibraries.function(l, LIB, "ncclGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getUniqueId = NativeLibraries.function(l, LIB, "ncclGetUniqueId", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commInitRank = NativeLibraries.function(l, LIB, "ncclCommInitRank",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID, JAVA_INT));
        commDestroy = NativeLibraries.function(l, LIB, "ncclCommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commAbort = NativeLibraries.function(l, LIB, "ncclCommAbort", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commGetAsyncError = NativeLibraries.function(l, LIB, "ncclCommGetAsyncError", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        allReduce = NativeLibraries.function(l, LIB, "ncclAllReduce",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        reduceScatter = NativeLibraries.function(l, LIB, "ncclReduceScatter",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        allGather = NativeLibraries.function(l, LIB, "ncclAllGather",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        broadcast = NativeLibraries.function(l, LIB, "ncclBroadcast",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        errorString = NativeLibraries.function(l, LIB, "ncclGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /**
     * The library, loaded once.
     *
     * @throws CudaException naming the soname and the directories searched when NCCL is not installed
     */
    public static Nccl load() {
        Nccl n = instance;
        if (n == null) {
            synchronized (Nccl.class) {
                n = instance;
                if (n == null) {
                    n = new Nccl(NativeLibraries.load("data-parallel training on GPUs", SONAMES));
                    instance = n;
                }
            }
        }
        return n;
    }

    /** NCCL's version as it encodes it (major * 10000 + minor * 100 + patch), e.g. 22803 for 2.28.3. */
    public int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check((int) getVersion.invokeExact(out), "ncclGetVersion");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** A fresh unique id (rank 0 makes it; every rank passes it to {@link #initRank}). */
    public byte[] uniqueId() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(UNIQUE_ID);
            check((int) getUniqueId.invokeExact(id), "ncclGetUniqueId");
            return id.toArray(JAVA_BYTE);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** ncclCommInitRank on the current CUDA context's device; blocks until every rank has joined. */
    MemorySegment initRank(byte[] uniqueId, int worldSize, int rank) {
        if (uniqueId.length != UNIQUE_ID_BYTES) {
            throw new IllegalArgumentException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, got " + uniqueId.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment id = arena.allocate(UNIQUE_ID);
            MemorySegment.copy(uniqueId, 0, id, JAVA_BYTE, 0, UNIQUE_ID_BYTES);
            check((int) commInitRank.invokeExact(out, worldSize, id, rank), "ncclCommInitRank");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void destroy(MemorySegment comm) {
        try {
            check((int) commDestroy.invokeExact(comm), "ncclCommDestroy");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void abort(MemorySegment comm) {
        try {
            int ignored = (int) commAbort.invokeExact(comm);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** The communicator's asynchronous error (0 = none; {@code ncclInProgress} counts as none). */
    int asyncError(MemorySegment comm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check((int) commGetAsyncError.invokeExact(comm, out), "ncclCommGetAsyncError");
            int error = out.get(JAVA_INT, 0);
            return error == IN_PROGRESS ? 0 : error;
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void allReduceSum(long send, long receive, long count, DataType type, MemorySegment comm) {
        try {
            check((int) allReduce.invokeExact(send, receive, count, type.code, SUM, comm, MemorySegment.NULL), "ncclAllReduce");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void reduceScatterSum(long send, long receive, long receiveCount, DataType type, MemorySegment comm) {
        try {
            check((int) reduceScatter.invokeExact(send, receive, receiveCount, type.code, SUM, comm, MemorySegment.NULL),
                    "ncclReduceScatter");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void allGather(long send, long receive, long sendCount, DataType type, MemorySegment comm) {
        try {
            check((int) allGather.invokeExact(send, receive, sendCount, type.code, comm, MemorySegment.NULL), "ncclAllGather");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    void broadcast(long send, long receive, long count, DataType type, int root, MemorySegment comm) {
        try {
            check((int) broadcast.invokeExact(send, receive, count, type.code, root, comm, MemorySegment.NULL), "ncclBroadcast");
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    /** NCCL's text for a result code. */
    String describe(int result) {
        try {
            MemorySegment text = (MemorySegment) errorString.invokeExact(result);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw NativeLibraries.rethrow(t);
        }
    }

    private void check(int result, String call) {
        if (result != 0) {
            throw new CudaException(call + " failed: NCCL error " + result + " (" + describe(result) + ")");
        }
    }
}
