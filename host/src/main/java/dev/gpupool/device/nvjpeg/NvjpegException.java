package dev.gpupool.device.nvjpeg;

/** An nvJPEG call returned a status other than success: the call and the status's name. */
public final class NvjpegException extends RuntimeException {
    public static final int BAD_JPEG = 3, JPEG_NOT_SUPPORTED = 4, ALLOCATOR_FAILURE = 5, EXECUTION_FAILED = 6, ARCH_MISMATCH = 7,
            INCOMPLETE_BITSTREAM = 10;
    private final int status;

    public NvjpegException(int status, String call) {
        super(call + " failed: " + Nvjpeg.statusName(status) + " (" + status + ")");
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The data was at fault (corrupt, truncated or a kind nvJPEG does not decode), not the device. */
    public boolean badInput() {
        return status == BAD_JPEG || status == JPEG_NOT_SUPPORTED || status == INCOMPLETE_BITSTREAM;
    }
}
