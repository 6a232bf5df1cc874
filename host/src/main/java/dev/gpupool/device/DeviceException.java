package dev.gpupool.device;

/**
 * A device failed (out of memory, lost, kernel build failure); the message is the one-line reason.
 * When one request of a batch cannot run on the device at all (too large for its memory),
 * {@link #requestIndex()} names it, so the caller can run that image on the CPU and retry the rest.
 */
public class DeviceException extends Exception {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The index in the batch of the one request the device cannot take, or -1 when the failure is not about one request. */
    public int requestIndex() {
        return -1;
    }
}
