package dev.gpupool.device.opencl;

import dev.gpupool.device.DeviceException;

/** One request of a batch cannot run on the device at all (too large for its memory); run it on the CPU. */
public final class OpenClImageTooLargeException extends DeviceException {
    private final int requestIndex;

    public OpenClImageTooLargeException(int requestIndex, String message) {
        super(message);
        this.requestIndex = requestIndex;
    }

    /** Index in the batch of the request that does not fit. */
    @Override
    public int requestIndex() {
        return requestIndex;
    }
}
