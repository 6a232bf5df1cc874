package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * The device ({@code cuMemAlloc}) and pinned host ({@code cuMemHostAlloc}) allocations of one
 * session, so that closing the session frees what its clients still hold and a replaced context's
 * allocations are forgotten, not freed twice (they died with it). Device thread only.
 */
final class CudaMemory {
    private final Map<CUdeviceptr, Long> device = new IdentityHashMap<>();
    private final Map<Pointer, Long> pinned = new IdentityHashMap<>();
    private long deviceBytes, pinnedBytes;

    CUdeviceptr allocDevice(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + ")");
        device.put(p, bytes);
        deviceBytes += bytes;
        return p;
    }

    /** Page-locked host memory: the only kind an asynchronous copy really overlaps with other work. */
    Pointer allocPinned(long bytes) {
        Pointer p = new Pointer();
        check(JCudaDriver.cuMemHostAlloc(p, bytes, 0), "cuMemHostAlloc(" + bytes + ")");
        pinned.put(p, bytes);
        pinnedBytes += bytes;
        return p;
    }

    /** Frees {@code p} if this session still owns it (not after its context was replaced). */
    void free(CUdeviceptr p) {
        Long bytes = device.remove(p);
        if (bytes == null) return;
        deviceBytes -= bytes;
        JCudaDriver.cuMemFree(p);
    }

    void free(Pointer p) {
        Long bytes = pinned.remove(p);
        if (bytes == null) return;
        pinnedBytes -= bytes;
        JCudaDriver.cuMemFreeHost(p);
    }

    long deviceBytes() {
        return deviceBytes;
    }

    long pinnedBytes() {
        return pinnedBytes;
    }

    /** Frees every live allocation (the context must be current and alive). */
    void freeAll() {
        for (CUdeviceptr p : new ArrayList<>(device.keySet())) free(p);
        for (Pointer p : new ArrayList<>(pinned.keySet())) free(p);
    }

    /** The context is gone, and its allocations with it. */
    void forgetAll() {
        device.clear();
        pinned.clear();
        deviceBytes = 0;
        pinnedBytes = 0;
    }
}
