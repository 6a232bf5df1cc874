package dev.gpupool.device.cuda;

/**
 * A CUDA driver call returned an error. The backend checks every return code itself (JCuda's
 * global exception switch stays off, so other JCuda users in the process are not affected).
 */
final class CudaCallException extends RuntimeException {
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_INVALID_DEVICE = 101;
    static final int CUDA_ERROR_INVALID_IMAGE = 200;
    static final int CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
    static final int CUDA_ERROR_INVALID_PTX = 218;
    static final int CUDA_ERROR_JIT_COMPILER_NOT_FOUND = 221;
    static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    static final int CUDA_ERROR_JIT_COMPILATION_DISABLED = 223;
    static final int CUDA_ERROR_NOT_FOUND = 500;
    static final int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
    static final int CUDA_ERROR_LAUNCH_TIMEOUT = 702;
    static final int CUDA_ERROR_LAUNCH_FAILED = 719;
    static final int CUDA_ERROR_UNKNOWN = 999;

    private final int code;
    private final String call;

    CudaCallException(int code, String call) {
        super(call + " failed: " + name(code) + " (" + code + ")");
        this.code = code;
        this.call = call;
    }

    int code() {
        return code;
    }

    String call() {
        return call;
    }

    /** Throws unless {@code rc} is CUDA_SUCCESS. */
    static void check(int rc, String call) {
        if (rc != CUDA_SUCCESS) throw new CudaCallException(rc, call);
    }

    /** The first CudaCallException in {@code t}'s cause chain, or null. */
    static CudaCallException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CudaCallException e) return e;
        }
        return null;
    }

    /**
     * A sticky error: the context is corrupt, and every later call in it fails the same way, so it
     * must be destroyed (illegal address, launch timeout, the hardware faults 714-718, launch failed,
     * unknown).
     */
    boolean poisonsContext() {
        return code == CUDA_ERROR_ILLEGAL_ADDRESS || code == CUDA_ERROR_LAUNCH_TIMEOUT || (code >= 714 && code <= 718)
                || code == CUDA_ERROR_LAUNCH_FAILED || code == CUDA_ERROR_UNKNOWN;
    }

    boolean outOfMemory() {
        return code == CUDA_ERROR_OUT_OF_MEMORY;
    }

    /** The PTX needs a newer driver: its ISA version is unknown to this one, or it has nothing for this GPU. */
    boolean driverTooOld() {
        return code == CUDA_ERROR_UNSUPPORTED_PTX_VERSION || code == CUDA_ERROR_NO_BINARY_FOR_GPU;
    }

    /** The driver cannot turn the PTX into code for this GPU: too old a driver, or no JIT. */
    boolean ptxNotLoadable() {
        return code == CUDA_ERROR_UNSUPPORTED_PTX_VERSION || code == CUDA_ERROR_NO_BINARY_FOR_GPU
                || code == CUDA_ERROR_INVALID_PTX || code == CUDA_ERROR_INVALID_IMAGE
                || code == CUDA_ERROR_JIT_COMPILER_NOT_FOUND || code == CUDA_ERROR_JIT_COMPILATION_DISABLED;
    }

    /** The driver's name for an error code, without loading JCuda's native library. */
    static String name(int code) {
        try {
            return jcuda.driver.CUresult.stringFor(code); // a plain Java switch; no native code
        } catch (Throwable t) {
            return "CUDA error " + code;
        }
    }
}
