package org.trainbench.engine.cuda;

/**
 * A failed call into NVIDIA's libraries: which library and function, the status code and its name and text as the
 * library reports them (cuGetErrorName/cuGetErrorString, nvrtcGetErrorString, cublasGetStatusName/String), and for
 * run-time compilation the compiler's log.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int status;

    public CudaException(String call, int status, String statusName, String description) {
        super(call + " failed: " + statusName + " (" + status + ")" + (description.isEmpty() ? "" : ": " + description));
        this.call = call;
        this.status = status;
    }

    /** A failure with no status code (a library that cannot be found, a kernel that is not in the module). */
    public CudaException(String message) {
        super(message);
        this.call = "";
        this.status = -1;
    }

    /** The function that failed, e.g. {@code cuMemAlloc_v2}; empty for failures without a status. */
    public String call() {
        return call;
    }

    /** The library's status code; -1 for failures without a status. */
    public int status() {
        return status;
    }
}
