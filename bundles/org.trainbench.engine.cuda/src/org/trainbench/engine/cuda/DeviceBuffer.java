package org.trainbench.engine.cuda;

/**
 * A block of GPU memory (cuMemAlloc), freed by {@link #close()}. {@link #address()} is the CUdeviceptr that kernels
 * and cuBLAS take; {@link #at(long)} gives the address of a byte offset inside it (a row of a matrix).
 */
public final class DeviceBuffer implements AutoCloseable {
    private final CudaContext context;
    private final long address;
    private final long bytes;
    private final boolean owner;
    private boolean freed;

    DeviceBuffer(CudaContext context, long address, long bytes) {
        this(context, address, bytes, true);
    }

    private DeviceBuffer(CudaContext context, long address, long bytes, boolean owner) {
        this.context = context;
        this.address = address;
        this.bytes = bytes;
        this.owner = owner;
    }

    /**
     * {@code bytes} of this buffer from {@code offsetBytes}, as a buffer of its own that does not own the memory: its
     * {@link #close()} frees nothing. For the tensors of one flat allocation (the model's weights, say).
     */
    public DeviceBuffer slice(long offsetBytes, long bytes) {
        checkLive();
        if (offsetBytes < 0 || bytes <= 0 || offsetBytes + bytes > this.bytes) {
            throw new IndexOutOfBoundsException("slice [" + offsetBytes + ", " + (offsetBytes + bytes) + ") outside a device buffer of "
                    + this.bytes + " bytes");
        }
        return new DeviceBuffer(context, address + offsetBytes, bytes, false);
    }

    public long address() {
        checkLive();
        return address;
    }

    public long bytes() {
        return bytes;
    }

    /** The device address {@code offsetBytes} into this buffer. */
    public long at(long offsetBytes) {
        checkLive();
        if (offsetBytes < 0 || offsetBytes > bytes) {
            throw new IndexOutOfBoundsException("offset " + offsetBytes + " outside a device buffer of " + bytes + " bytes");
        }
        return address + offsetBytes;
    }

    /** Throws unless {@code needed} bytes fit, naming what was to be stored: a clear error instead of a corrupt write. */
    public DeviceBuffer require(long needed, String what) {
        if (needed > bytes) {
            throw new IllegalArgumentException(what + " needs " + needed + " bytes but its device buffer holds " + bytes);
        }
        return this;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            if (owner) {
                context.free(address, bytes);
            }
        }
    }

    private void checkLive() {
        if (freed) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes used after close()");
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[0x" + Long.toHexString(address) + ", " + bytes + " bytes]";
    }
}
