package dev.gpupool.device.cuda;

import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.Arrays;
import java.util.List;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * The batched resize on one CUDA device ({@code kernels/resize.ptx}, built from {@code resize.cu}),
 * through JCuda's driver API only.
 *
 * <p>A client of the pool's {@link CudaSession}: every CUDA call runs on the session's device thread
 * in its context; the resizer loads its module through the session's cache and keeps its streams,
 * events and buffers there (made again when the session replaces a poisoned context).
 * {@link #resize} hands the batch to that thread and waits.
 * A batch is cut into chunks laid out as {@link BatchLayout} describes (the same layout as the
 * OpenCL backend); each chunk is packed into pinned ({@code cuMemHostAlloc}) staging buffers,
 * uploaded with {@code cuMemcpyHtoDAsync}, resized by one launch per pass for all its images, and
 * downloaded with {@code cuMemcpyDtoHAsync}, all on the stream of one of {@link #SLOTS} slots, whose
 * event marks the download's end. Chunks rotate over the slots, so the upload of chunk i+1, the
 * kernels of chunk i and the download of chunk i-1 are on different streams and overlap (the GPU's
 * copy engines and SMs run them at once), while the host packs ahead and unpacks behind. Slot
 * buffers grow and are kept across batches.
 *
 * <p>Memory: a chunk buffer never exceeds 2 GiB (the kernels index with ints). When the device (or
 * pinned host memory) runs out, the buffers are freed, the chunk budget halved and the unfinished
 * part of the batch rerun; an image that cannot fit alone raises {@link CudaImageTooLargeException}
 * naming it.
 */
public final class CudaResizer implements DeviceResizer {
    /** Streams (each with its buffers): 3 lets upload, kernels and download of three chunks overlap. */
    static final int SLOTS = 3;
    /** Budget cap per slot: chunks of this size already keep any device busy. */
    private static final long SLOT_BUDGET_CAP = 1L << 30;
    private static final int CU_STREAM_NON_BLOCKING = 0x1;
    /** The device thread sleeps in cuEventSynchronize (without it, it spins a core per wait); no timing needed. */
    static final int EVENT_FLAGS = 0x1 /* CU_EVENT_BLOCKING_SYNC */ | 0x2 /* CU_EVENT_DISABLE_TIMING */;

    private final CudaSession session;
    private final CudaDevice device;
    private final String ptxIsa;
    private final String ptxTarget;
    private volatile int lastBatchChunks;

    // Owned by the device thread: touched only from tasks running there.
    private final Ptx ptx;
    private int generation = -1;
    private CUfunction kernelH;
    private CUfunction kernelV;
    private CUfunction kernelS;
    private final Slot[] slots = new Slot[SLOTS];
    private long totalMem;
    private long maxAlloc = BatchLayout.INT_LIMIT;
    private long slotBudget;

    /** Made by the session, on its device thread: loads the module, creates the streams. */
    CudaResizer(CudaSession session) throws DeviceException {
        this.session = session;
        this.device = session.device();
        try {
            this.ptx = Ptx.load();
        } catch (java.io.IOException e) {
            throw new DeviceException("CUDA: " + e.getMessage(), e);
        }
        this.ptxIsa = ptx.isaVersion();
        this.ptxTarget = ptx.target();
        bind();
    }

    /** Module, functions and streams in the session's current context (again after a context was replaced). */
    private void bind() throws DeviceException {
        if (generation == session.generation()) return;
        for (int i = 0; i < SLOTS; i++) slots[i] = null; // the old context's handles died with it
        totalMem = session.totalMem();
        slotBudget = Math.max(BatchLayout.MIN_PIPELINE_CHUNK, Math.min(SLOT_BUDGET_CAP, totalMem / (2L * SLOTS)));
        CUmodule module;
        try {
            module = session.module(Ptx.RESOURCE, ptx.image());
        } catch (CudaCallException e) {
            if (e.driverTooOld()) {
                throw new DeviceException("CUDA: the driver (CUDA " + CudaProbe.version(device.driverVersion()) + ") cannot load "
                        + Ptx.RESOURCE + " (PTX ISA " + ptx.isaVersion() + ", " + ptx.target() + ", needs a driver for CUDA "
                        + ptx.minimumDriverCuda() + " or newer) on " + device.name() + ": " + e.getMessage(), e);
            }
            if (e.ptxNotLoadable()) { // the JIT itself refused it: its log says why
                throw new DeviceException("CUDA: the driver's JIT refused " + Ptx.RESOURCE + " on " + device.name() + ": " + e.getMessage(), e);
            }
            throw e;
        }
        kernelH = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(kernelH, module, "gp_resize_h"), "cuModuleGetFunction(gp_resize_h)");
        kernelV = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(kernelV, module, "gp_resize_v"), "cuModuleGetFunction(gp_resize_v)");
        kernelS = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(kernelS, module, "gp_sharpen"), "cuModuleGetFunction(gp_sharpen)");
        for (int i = 0; i < SLOTS; i++) {
            CUstream st = new CUstream();
            check(JCudaDriver.cuStreamCreate(st, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            CUevent ev = new CUevent();
            int erc = JCudaDriver.cuEventCreate(ev, EVENT_FLAGS);
            if (erc != 0) {
                JCudaDriver.cuStreamDestroy(st);
                check(erc, "cuEventCreate");
            }
            slots[i] = new Slot(st, ev);
        }
        generation = session.generation();
    }

    @Override
    public String deviceName() {
        return "CUDA: " + device.label();
    }

    public CudaDevice device() {
        return device;
    }

    String ptxIsa() {
        return ptxIsa;
    }

    String ptxTarget() {
        return ptxTarget;
    }

    /** Chunks the last {@link #resize} call used. */
    int lastBatchChunks() {
        return lastBatchChunks;
    }

    /** The platform thread that makes this resizer's CUDA calls. */
    Thread deviceThread() {
        return session.deviceThread();
    }

    /** Test hook: pretend no buffer may exceed {@code bytes} (forces chunking and the too-large path). */
    void limitMaxAllocForTesting(long bytes) throws DeviceException {
        onDevice(() -> {
            maxAlloc = Math.min(maxAlloc, bytes);
            slotBudget = Math.min(slotBudget, bytes * 4);
            return null;
        });
    }

    private <T> T onDevice(CudaSession.Work<T> task) throws DeviceException {
        return session.call("resizing", task);
    }

    // ------------------------------------------------------------------------------------------ batches

    /** {@code gp_sharpen} runs after the vertical pass for the requests that ask for it. */
    @Override
    public boolean sharpens() {
        return true;
    }

    @Override
    public List<PixelBuffer> resize(List<ResizeRequest> batch) throws DeviceException {
        if (batch.isEmpty()) return List.of();
        List<ResizeRequest> copy = List.copyOf(batch);
        return session.call("resizing " + copy.size() + " images", () -> {
            bind();
            return runBatch(copy);
        });
    }

    private List<PixelBuffer> runBatch(List<ResizeRequest> batch) throws DeviceException {
        int n = batch.size();
        BatchLayout.Need[] needs = BatchLayout.needs(batch);
        for (int i = 0; i < n; i++) {
            if (needs[i].largest() > maxAlloc || needs[i].total() > totalMem / 2) {
                throw tooLarge(i, batch.get(i), needs[i], "larger than the " + (maxAlloc >> 20) + " MiB a chunk buffer may hold");
            }
        }
        PixelBuffer[] out = new PixelBuffer[n];
        int chunks = 0;
        int start = 0;
        while (true) {
            try {
                chunks += runFrom(batch, needs, out, start);
                lastBatchChunks = chunks;
                return Arrays.asList(out);
            } catch (CudaCallException e) {
                drain();
                if (!e.outOfMemory()) throw new DeviceException("CUDA error on " + device.name() + ": " + e.getMessage(), e);
                for (Slot s : slots) s.releaseBuffers();
                start = BatchLayout.firstUnfinished(out, start);
                if (start == n) return Arrays.asList(out); // the failure came after every result was in
                long shrunk = BatchLayout.shrunkBudget(slotBudget, needs[start]);
                if (shrunk < 0) {
                    throw tooLarge(start, batch.get(start), needs[start], "does not fit in device memory (" + e.getMessage() + ")");
                }
                slotBudget = shrunk;
            } catch (RuntimeException e) {
                drain();
                throw new DeviceException("CUDA failure on " + device.name() + ": " + e, e);
            }
        }
    }

    private CudaImageTooLargeException tooLarge(int i, ResizeRequest r, BatchLayout.Need need, String why) {
        return new CudaImageTooLargeException(i, BatchLayout.describe(i, r, need) + " " + why + " on " + device.name()
                + "; run it on the CPU");
    }

    /** Runs requests {@code start..} in pipelined chunks over the slots; fills {@code out}; returns the chunk count. */
    private int runFrom(List<ResizeRequest> batch, BatchLayout.Need[] needs, PixelBuffer[] out, int start) {
        int n = batch.size();
        long target = BatchLayout.pipelineTarget(needs, start, slotBudget);
        int k = 0;
        for (int i = start; i < n; ) {
            int j = BatchLayout.chunkEnd(needs, i, target, maxAlloc);
            Slot s = slots[k % SLOTS];
            if (s.pending != null) complete(s, out); // the slot's previous chunk: done before its buffers are reused
            submit(s, batch, needs, i, j);
            k++;
            i = j;
        }
        for (int m = 0; m < SLOTS; m++) { // oldest first
            Slot s = slots[(k + m) % SLOTS];
            if (s.pending != null) complete(s, out);
        }
        return k;
    }

    private void submit(Slot s, List<ResizeRequest> batch, BatchLayout.Need[] needs, int from, int to) {
        BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, from, to);
        s.src.ensure(z.src());
        s.mid.ensure(z.mid());
        s.dst.ensure(z.dst());
        s.meta.ensure(z.meta());
        s.wts.ensure(z.wts());
        s.hostSrc.ensure(z.src());
        s.hostMeta.ensure(z.meta());
        s.hostWts.ensure(z.wts());
        s.hostDst.ensure(z.dst());
        BatchLayout.Packed p = BatchLayout.pack(batch, needs, from, to, s.hostSrc.buf, s.hostMeta.buf, s.hostWts.buf);
        CUstream q = s.stream;
        check(JCudaDriver.cuMemcpyHtoDAsync(s.src.ptr, s.hostSrc.ptr, z.src(), q), "cuMemcpyHtoDAsync(src)");
        check(JCudaDriver.cuMemcpyHtoDAsync(s.meta.ptr, s.hostMeta.ptr, z.meta(), q), "cuMemcpyHtoDAsync(meta)");
        check(JCudaDriver.cuMemcpyHtoDAsync(s.wts.ptr, s.hostWts.ptr, z.wts(), q), "cuMemcpyHtoDAsync(wts)");
        launch(kernelH, "gp_resize_h", q, s.src.ptr, s.mid.ptr, s.meta.ptr, s.wts.ptr, p.images(), p.hTotal());
        launch(kernelV, "gp_resize_v", q, s.mid.ptr, s.dst.ptr, s.meta.ptr, s.wts.ptr, p.images(), p.vTotal());
        CUdeviceptr result = s.dst.ptr;
        if (BatchLayout.anySharpen(batch, from, to)) { // --sharpen: dst -> sharp, then sharp comes back instead
            long spBytes = BatchLayout.sharpenBytes(to - from);
            s.sharp.ensure(z.dst());
            s.sp.ensure(spBytes);
            s.hostSp.ensure(spBytes);
            BatchLayout.packSharpen(batch, from, to, s.hostSp.buf);
            check(JCudaDriver.cuMemcpyHtoDAsync(s.sp.ptr, s.hostSp.ptr, spBytes, q), "cuMemcpyHtoDAsync(sp)");
            launch(kernelS, "gp_sharpen", q, s.dst.ptr, s.sharp.ptr, s.meta.ptr, s.sp.ptr, p.images(), p.vTotal());
            result = s.sharp.ptr;
        }
        check(JCudaDriver.cuMemcpyDtoHAsync(s.hostDst.ptr, result, z.dst(), q), "cuMemcpyDtoHAsync(dst)");
        check(JCudaDriver.cuEventRecord(s.done, q), "cuEventRecord");
        s.pending = p;
    }

    static void launch(CUfunction f, String name, CUstream q, CUdeviceptr a, CUdeviceptr b, CUdeviceptr meta,
                               CUdeviceptr wts, int nimg, int total) {
        LaunchGeometry g = LaunchGeometry.of(total);
        // cuLaunchKernel copies the argument values at the call, so these arrays may die right after.
        Pointer params = Pointer.to(Pointer.to(a), Pointer.to(b), Pointer.to(meta), Pointer.to(wts),
                Pointer.to(new int[]{nimg}), Pointer.to(new int[]{total}));
        check(JCudaDriver.cuLaunchKernel(f, g.gridX(), 1, 1, g.blockX(), 1, 1, 0, q, params, null), "cuLaunchKernel(" + name + ")");
    }

    /** Waits for the slot's download (kernel faults surface here) and copies its images out. */
    private void complete(Slot s, PixelBuffer[] out) {
        BatchLayout.Packed p = s.pending;
        s.pending = null;
        check(JCudaDriver.cuEventSynchronize(s.done), "cuEventSynchronize (chunk of images " + p.from() + ".." + (p.to() - 1) + ")");
        p.unpack(s.hostDst.buf, out);
    }

    /** Waits out whatever is in flight after a failure; never throws. */
    private void drain() {
        for (Slot s : slots) {
            if (s == null) continue;
            s.pending = null;
            try {
                JCudaDriver.cuStreamSynchronize(s.stream);
            } catch (Throwable ignored) {
                // the stream may be broken; the next call will find out
            }
        }
    }

    /** The session owns this resizer: it is released when the session closes. */
    @Override
    public void close() {
    }

    /** Frees the slots' streams, events and buffers (on the device thread, context current). Never throws. */
    void release() {
        if (generation != session.generation() || !session.hasContext()) { // its handles died with an old context
            for (int i = 0; i < SLOTS; i++) slots[i] = null;
            return;
        }
        drain();
        for (Slot s : slots) if (s != null) s.release();
        for (int i = 0; i < SLOTS; i++) slots[i] = null;
    }

    // ------------------------------------------------------------------------------------------ state

    /** A chunk buffer on the device: grows up to {@code maxAlloc} (which tests may lower). */
    private GrowingBuffers.Device chunkBuffer() {
        return new GrowingBuffers.Device(session, () -> maxAlloc);
    }

    private GrowingBuffers.Pinned pinned() {
        return new GrowingBuffers.Pinned(session);
    }

    /** A stream, the event that marks the end of its last chunk, and its device and pinned buffers. */
    private final class Slot {
        final CUstream stream;
        final CUevent done;
        final GrowingBuffers.Device src = chunkBuffer(), mid = chunkBuffer(), dst = chunkBuffer(), meta = chunkBuffer(),
                wts = chunkBuffer(), sharp = chunkBuffer(), sp = chunkBuffer();
        final GrowingBuffers.Pinned hostSrc = pinned(), hostMeta = pinned(), hostWts = pinned(), hostDst = pinned(), hostSp = pinned();
        BatchLayout.Packed pending;

        Slot(CUstream stream, CUevent done) {
            this.stream = stream;
            this.done = done;
        }

        void releaseBuffers() {
            for (GrowingBuffers.Device b : List.of(src, mid, dst, meta, wts, sharp, sp)) b.release();
            for (GrowingBuffers.Pinned b : List.of(hostSrc, hostMeta, hostWts, hostDst, hostSp)) b.release();
        }

        void release() {
            releaseBuffers();
            JCudaDriver.cuEventDestroy(done);
            JCudaDriver.cuStreamDestroy(stream);
        }
    }
}
