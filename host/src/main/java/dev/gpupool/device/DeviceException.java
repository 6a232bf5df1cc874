package dev.gpupool.device;

/** A device failed (out of memory, lost, kernel build failure); the message is the one-line reason. */
public class DeviceException extends Exception {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
