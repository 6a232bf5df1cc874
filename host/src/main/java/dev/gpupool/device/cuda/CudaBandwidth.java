package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceException;
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

    /** Opens usable device {@code deviceIndex}, measures, closes. */
    public static Result measure(int deviceIndex, long bytes, int reps) throws DeviceException {
        validate(bytes, reps);
        try (CudaResizer r = CudaResizer.open(deviceIndex)) {
            return r.bandwidth(bytes, reps);
        }
    }

    static void validate(long bytes, int reps) {
        if (bytes < 1 || bytes > (1L << 34)) throw new IllegalArgumentException("copy size must be 1 byte .. 16 GiB, not " + bytes);
        if (reps < 1 || reps > 10_000) throw new IllegalArgumentException("repetitions must be 1..10000, not " + reps);
    }

    /** 10^9 bytes per second for {@code reps} copies of {@code bytes} in {@code millis} milliseconds. */
    static double gbPerSecond(long bytes, int reps, double millis) {
        if (!(millis > 0)) throw new IllegalArgumentException("elapsed time must be positive, not " + millis + " ms");
        return (double) bytes * reps / (millis * 1e6);
    }

    /** Runs on the device thread with the context current; frees everything it allocates. */
    static Result measure(CUstream stream, long bytes, int reps) {
        Pointer host = null;
        CUdeviceptr a = null, b = null;
        CUevent start = null, stop = null;
        try {
            host = new Pointer();
            check(JCudaDriver.cuMemHostAlloc(host, bytes, 0), "cuMemHostAlloc(" + bytes + ")");
            a = new CUdeviceptr();
            check(JCudaDriver.cuMemAlloc(a, bytes), "cuMemAlloc(" + bytes + ")");
            b = new CUdeviceptr();
            check(JCudaDriver.cuMemAlloc(b, bytes), "cuMemAlloc(" + bytes + ")");
            start = new CUevent();
            check(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
            stop = new CUevent();
            check(JCudaDriver.cuEventCreate(stop, 0), "cuEventCreate");
            check(JCudaDriver.cuMemsetD8(a, (byte) 0x5A, bytes), "cuMemsetD8");

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
            if (a != null) JCudaDriver.cuMemFree(a);
            if (b != null) JCudaDriver.cuMemFree(b);
            if (host != null) JCudaDriver.cuMemFreeHost(host);
        }
    }
}
