package dev.gpupool;

/** The backend asked for cannot run here; the message says why (driver missing, no device, ...). */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }
}
