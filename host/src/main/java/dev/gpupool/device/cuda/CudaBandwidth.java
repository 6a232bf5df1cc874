package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.Locale;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * Copy bandwidth of a CUDA device, for {@code gpupool selftest}: pinned host-to-device
 * ({@code cuMemcpyHtoDAsync} from {@code cuMemHostAlloc} memory) and device-to-device
 * ({@code cuMemcpyDtoDAsync}), each timed with CUDA events over {@code reps} copies of {@code bytes}
 * after one warm-up copy. GB/s are 10^9 bytes copied per second; a device-to-device copy reads and
 * writes each byte, so it moves twice that through device memory.
 */
public final class CudaBandwidth {
    private CudaBandwidth() {
    }

    /** Measured copy rates. */
    public record Result(long bytes, int reps, double hostToDeviceGBps, double deviceToDeviceGBps) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "pinned host->device %.1f GB/s, device->device %.1f GB/s (%d MiB x %d)",
                    hostToDeviceGBps, deviceToDeviceGBps, bytes >> 20, reps);
        }
    }

    private static final int CU_EVENT_BLOCKING_SYNC = 0x1;

    /** The largest copy measured: JCuda wraps host memory in ByteBuffers, which stop at 2^31 - 1 bytes. */
    static final long MAX_BYTES = 1L << 30;

    static void validate(long bytes, int reps) {
        if (bytes < 1 || bytes > MAX_BYTES) throw new IllegalArgumentException("copy size must be 1 byte .. 1 GiB, not " + bytes);
        if (reps < 1 || reps > 10_000) throw new IllegalArgumentException("repetitions must be 1..10000, not " + reps);
    }

    /** 10^9 bytes per second for {@code reps} copies of {@code bytes} in {@code millis} milliseconds. */
    static double gbPerSecond(long bytes, int reps, double millis) {
        if (!(millis > 0)) throw new IllegalArgumentException("elapsed time must be positive, not " + millis + " ms");
        return (double) bytes * reps / (millis * 1e6);
    }

    /**
     * Runs on the session's device thread with its context current, on a stream of its own; frees
     * everything it allocates. Every operation is on that one stream, so they run in order.
     */
    static Result measure(CudaSession session, long bytes, int reps) {
        CudaMemory memory = session.memory();
        Pointer host = null;
        CUdeviceptr a = null, b = null;
        CUevent start = null, stop = null;
        CUstream stream = new CUstream();
        check(JCudaDriver.cuStreamCreate(stream, 0x1 /* CU_STREAM_NON_BLOCKING */), "cuStreamCreate");
        try {
            host = memory.allocPinned(bytes);
            a = memory.allocDevice(bytes);
            b = memory.allocDevice(bytes);
            start = new CUevent();
            check(JCudaDriver.cuEventCreate(start, CU_EVENT_BLOCKING_SYNC), "cuEventCreate");
            stop = new CUevent();
            check(JCudaDriver.cuEventCreate(stop, CU_EVENT_BLOCKING_SYNC), "cuEventCreate"); // timed, and waited on asleep
            check(JCudaDriver.cuMemsetD8Async(a, (byte) 0x5A, bytes, stream), "cuMemsetD8Async"); // ordered before the copies

            check(JCudaDriver.cuMemcpyHtoDAsync(a, host, bytes, stream), "cuMemcpyHtoDAsync"); // warm-up
            check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
            for (int i = 0; i < reps; i++) check(JCudaDriver.cuMemcpyHtoDAsync(a, host, bytes, stream), "cuMemcpyHtoDAsync");
            check(JCudaDriver.cuEventRecord(stop, stream), "cuEventRecord");
            check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
            float[] ms = new float[1];
            check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
            double h2d = gbPerSecond(bytes, reps, ms[0]);

            check(JCudaDriver.cuMemcpyDtoDAsync(b, a, bytes, stream), "cuMemcpyDtoDAsync"); // warm-up
            check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
            for (int i = 0; i < reps; i++) check(JCudaDriver.cuMemcpyDtoDAsync(b, a, bytes, stream), "cuMemcpyDtoDAsync");
            check(JCudaDriver.cuEventRecord(stop, stream), "cuEventRecord");
            check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
            check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
            double d2d = gbPerSecond(bytes, reps, ms[0]);
            return new Result(bytes, reps, h2d, d2d);
        } finally {
            JCudaDriver.cuStreamSynchronize(stream);
            if (start != null) JCudaDriver.cuEventDestroy(start);
            if (stop != null) JCudaDriver.cuEventDestroy(stop);
            if (a != null) memory.free(a);
            if (b != null) memory.free(b);
            if (host != null) memory.free(host);
            JCudaDriver.cuStreamDestroy(stream);
        }
    }
}
