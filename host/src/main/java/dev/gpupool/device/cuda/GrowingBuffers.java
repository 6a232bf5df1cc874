package dev.gpupool.device.cuda;

import dev.gpupool.device.BatchLayout;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongSupplier;

/**
 * The buffers the session's clients keep between batches: they grow (by half again, see
 * {@link BatchLayout#grow}) when a batch needs more and are otherwise reused, allocated through the
 * session's {@link CudaMemory} so that closing the session frees what a client still holds. Device
 * thread only.
 */
final class GrowingBuffers {
    private GrowingBuffers() {
    }

    /** Device memory ({@code cuMemAlloc}); {@code limit} says how large one may grow. */
    static final class Device {
        private final CudaSession session;
        private final LongSupplier limit;
        CUdeviceptr ptr;
        long capacity;

        Device(CudaSession session, LongSupplier limit) {
            this.session = session;
            this.limit = limit;
        }

        void ensure(long need) {
            if (ptr != null && capacity >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(capacity, need, limit.getAsLong());
            release();
            ptr = session.memory().allocDevice(cap);
            capacity = cap;
        }

        void release() {
            if (ptr != null) session.memory().free(ptr);
            ptr = null;
            capacity = 0;
        }
    }

    /** Pinned (page-locked) host memory, so the async copies are real DMA that overlaps other work. */
    static final class Pinned {
        private final CudaSession session;
        Pointer ptr;
        ByteBuffer buf;

        Pinned(CudaSession session) {
            this.session = session;
        }

        void ensure(long need) {
            if (ptr != null && buf.capacity() >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(buf == null ? 0 : buf.capacity(), need, BatchLayout.INT_LIMIT);
            release();
            ptr = session.memory().allocPinned(cap);
            buf = ptr.getByteBuffer(0, cap).order(ByteOrder.nativeOrder());
        }

        void release() {
            if (ptr != null) session.memory().free(ptr);
            ptr = null;
            buf = null;
        }
    }
}
