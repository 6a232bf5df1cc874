package dev.gpupool.kernel;

/**
 * A kernel could not run on the pool's backend: the program did not build (the message carries the
 * build log), the device refused the launch, or the kernel has no code for the backend and no Java
 * fallback. A launch's future fails with it.
 */
public class KernelException extends Exception {
    public KernelException(String message) {
        super(message);
    }

    public KernelException(String message, Throwable cause) {
        super(message, cause);
    }
}
