package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fake defers stream work to the synchronising call, so a host that reads a download's pinned
 * buffer, or rewrites an upload's, before waiting on the event sees what a fast GPU would have made
 * of it at some unlucky moment: deterministically wrong bytes instead of a rare flake.
 */
@Tag("cuda")
class FakeCudaRaceTest {
    static final int N = 64;
    FakeCuda fake;
    CUcontext ctx;
    CUstream stream;
    CUevent done;
    CUdeviceptr dev;
    Pointer pinned;
    ByteBuffer host;

    @BeforeEach
    void open() {
        fake = FakeCuda.requireFake();
        ctx = FakeCuda.newContext();
        stream = new CUstream();
        assertEquals(0, JCudaDriver.cuStreamCreate(stream, 1)); // CU_STREAM_NON_BLOCKING, as CudaResizer
        done = new CUevent();
        assertEquals(0, JCudaDriver.cuEventCreate(done, 2));
        dev = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(dev, N));
        pinned = new Pointer();
        assertEquals(0, JCudaDriver.cuMemHostAlloc(pinned, N, 0));
        host = pinned.getByteBuffer(0, N);
    }

    @AfterEach
    void close() {
        if (ctx == null) return;
        assertEquals(0, JCudaDriver.cuMemFreeHost(pinned));
        assertEquals(0, JCudaDriver.cuMemFree(dev));
        assertEquals(0, JCudaDriver.cuEventDestroy(done));
        assertEquals(0, JCudaDriver.cuStreamDestroy(stream));
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));
    }

    private static byte[] filled(int v) {
        byte[] b = new byte[N];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private byte[] hostBytes() {
        byte[] b = new byte[N];
        host.get(0, b);
        return b;
    }

    @Test
    void aDownloadReadBeforeItsEventHasTheOldBytes() {
        assertEquals(0, JCudaDriver.cuMemcpyHtoD(dev, Pointer.to(filled(7)), N));
        host.put(0, filled(1));
        assertEquals(0, JCudaDriver.cuMemcpyDtoHAsync(pinned, dev, N, stream));
        assertEquals(0, JCudaDriver.cuEventRecord(done, stream));
        assertArrayEquals(filled(1), hostBytes(), "read before the event: the download has not happened yet");
        assertEquals(0, JCudaDriver.cuEventSynchronize(done));
        assertArrayEquals(filled(7), hostBytes(), "after cuEventSynchronize the downloaded bytes are there");
    }

    @Test
    void anUploadWhoseSourceIsOverwrittenBeforeTheStreamRunsUploadsTheNewBytes() {
        host.put(0, filled(3));
        assertEquals(0, JCudaDriver.cuMemcpyHtoDAsync(dev, pinned, N, stream));
        host.put(0, filled(9)); // too early: the copy reads pinned memory when it runs
        assertEquals(0, JCudaDriver.cuEventRecord(done, stream));
        assertEquals(0, JCudaDriver.cuEventSynchronize(done));
        byte[] got = new byte[N];
        assertEquals(0, JCudaDriver.cuMemcpyDtoH(Pointer.to(got), dev, N));
        assertArrayEquals(filled(9), got, "the upload read the overwritten staging buffer");
    }

    @Test
    void queriesSayNotReadyWhileWorkIsQueuedThenRunIt() {
        assertEquals(0, JCudaDriver.cuMemsetD8Async(dev, (byte) 5, N, stream));
        assertEquals(0, JCudaDriver.cuMemcpyDtoHAsync(pinned, dev, N, stream));
        assertEquals(0, JCudaDriver.cuEventRecord(done, stream));
        assertEquals(600, JCudaDriver.cuEventQuery(done), "CUDA_ERROR_NOT_READY first");
        assertEquals(0, JCudaDriver.cuEventQuery(done));
        assertArrayEquals(filled(5), hostBytes());
        assertEquals(0, JCudaDriver.cuMemsetD8Async(dev, (byte) 6, N, stream));
        assertEquals(600, JCudaDriver.cuStreamQuery(stream));
        assertEquals(0, JCudaDriver.cuStreamQuery(stream));
    }

    @Test
    void freshDeviceMemoryIsPoisonedAndAWaitOrdersTwoStreams() {
        byte[] got = new byte[N];
        assertEquals(0, JCudaDriver.cuMemcpyDtoH(Pointer.to(got), dev, N));
        assertArrayEquals(filled(0xCD), got, "uninitialised device memory reads as 0xCD");
        CUstream other = new CUstream();
        assertEquals(0, JCudaDriver.cuStreamCreate(other, 1));
        host.put(0, filled(42));
        assertEquals(0, JCudaDriver.cuMemcpyHtoDAsync(dev, pinned, N, stream));
        assertEquals(0, JCudaDriver.cuEventRecord(done, stream));
        assertEquals(0, JCudaDriver.cuStreamWaitEvent(other, done, 0));
        CUdeviceptr copy = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(copy, N));
        assertEquals(0, JCudaDriver.cuMemcpyDtoDAsync(copy, dev, N, other));
        assertEquals(0, JCudaDriver.cuStreamSynchronize(other)); // runs `stream` up to `done` first
        assertEquals(0, JCudaDriver.cuMemcpyDtoH(Pointer.to(got), copy, N));
        assertArrayEquals(filled(42), got);
        assertEquals(0, JCudaDriver.cuMemFree(copy));
        assertEquals(0, JCudaDriver.cuStreamDestroy(other));
    }
}
