package org.trainbench.engine.cuda;

/**
 * A device buffer that grows on demand and is kept between calls: the partial sums and workspaces kernels need for a
 * moment. Growing waits for the work queued before, which may still read the old buffer.
 */
final class ScratchBuffer implements AutoCloseable {
    /** The smallest allocation, so that small requests do not reallocate one after another. */
    private static final long MINIMUM_BYTES = 1 << 20;

    private final CudaContext context;
    private DeviceBuffer buffer;

    ScratchBuffer(CudaContext context) {
        this.context = context;
    }

    /** A buffer of at least {@code bytes}, the same one as before when it is large enough. */
    DeviceBuffer get(long bytes) {
        if (buffer == null || buffer.bytes() < bytes) {
            if (buffer != null) {
                context.synchronize(); // kernels queued before may still read it
                buffer.close();
            }
            buffer = context.allocate(Math.max(bytes, MINIMUM_BYTES));
        }
        return buffer;
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }
}
