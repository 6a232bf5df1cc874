package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceException;

/** One request of a batch cannot run on the CUDA device at all (too large for its memory); run it on the CPU. */
public final class CudaImageTooLargeException extends DeviceException {
    private final int requestIndex;

    public CudaImageTooLargeException(int requestIndex, String message) {
        super(message);
        this.requestIndex = requestIndex;
    }

    /** Index in the batch of the request that does not fit. */
    public int requestIndex() {
        return requestIndex;
    }
}
