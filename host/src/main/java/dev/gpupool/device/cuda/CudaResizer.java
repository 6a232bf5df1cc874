package dev.gpupool.device.cuda;

import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * The batched resize on one CUDA device ({@code kernels/resize.ptx}, built from {@code resize.cu}),
 * through JCuda's driver API only.
 *
 * <p>Every CUDA call runs on the resizer's {@link DeviceThread}, which creates the context, loads the
 * module and owns every stream, event and buffer; {@link #resize} hands it the batch and waits.
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
    private static final int CU_CTX_SCHED_BLOCKING_SYNC = 0x04;
    private static final int CU_STREAM_NON_BLOCKING = 0x1;
    private static final int CU_EVENT_DISABLE_TIMING = 0x2;

    private final CudaDevice device;
    private final DeviceThread thread;
    private final String ptxIsa;
    private final String ptxTarget;
    private volatile int lastBatchChunks;
    private volatile boolean closed;

    // Owned by the device thread: touched only from tasks running there.
    private CUcontext context;
    private CUmodule module;
    private CUfunction kernelH;
    private CUfunction kernelV;
    private final Slot[] slots = new Slot[SLOTS];
    private long totalMem;
    private long maxAlloc = BatchLayout.INT_LIMIT;
    private long slotBudget;

    /** Opens usable device {@code deviceIndex}, numbered as {@link CudaProbe#scan()} lists them. */
    public static CudaResizer open(int deviceIndex) throws DeviceException {
        CudaProbe.Scan scan = new CudaProbe().scan();
        if (scan.failure() != null) throw new DeviceException("CUDA " + scan.failure());
        if (deviceIndex < 0 || deviceIndex >= scan.usable().size()) {
            throw new DeviceException("no usable CUDA device #" + deviceIndex + " (" + scan.usable().size() + " usable): "
                    + String.join("; ", scan.details()));
        }
        return open(scan.usable().get(deviceIndex));
    }

    /** Opens {@code device}: context, module, streams; any failure (JCuda's JNI library included) is a DeviceException. */
    public static CudaResizer open(CudaDevice device) throws DeviceException {
        Ptx ptx;
        try {
            ptx = Ptx.load();
        } catch (java.io.IOException e) {
            throw new DeviceException("CUDA: " + e.getMessage(), e);
        }
        return new CudaResizer(device, ptx);
    }

    private CudaResizer(CudaDevice device, Ptx ptx) throws DeviceException {
        this.device = device;
        this.ptxIsa = ptx.isaVersion();
        this.ptxTarget = ptx.target();
        this.thread = new DeviceThread("gpupool-cuda-" + device.ordinal(), 16);
        try {
            thread.call(() -> {
                init(ptx);
                return null;
            });
        } catch (Throwable t) {
            thread.close(this::releaseAll);
            if (t instanceof DeviceException e) throw e;
            throw new DeviceException("CUDA: cannot open " + device.label() + ": " + describe(t), t);
        }
    }

    /** A failure as one line; a JNI library that did not load gets said so plainly. */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // A JNI library that does not link (libcuda.so.1 missing) is UnsatisfiedLinkError the first
            // time, then NoClassDefFoundError "Could not initialize class" with an ExceptionInInitializerError.
            if (c instanceof UnsatisfiedLinkError || c instanceof ExceptionInInitializerError || c instanceof NoClassDefFoundError) {
                return "the JCuda driver library could not be loaded (" + c.toString().lines().findFirst().orElse("") + ")";
            }
        }
        return (t.getMessage() != null ? t.getMessage() : t.toString()).lines().findFirst().orElse(t.toString());
    }

    private void init(Ptx ptx) throws DeviceException {
        JCudaDriver.setExceptionsEnabled(false); // return codes are checked here; see CudaCallException
        check(JCudaDriver.cuInit(0), "cuInit");
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, device.ordinal()), "cuDeviceGet");
        long[] mem = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        totalMem = mem[0];
        slotBudget = Math.max(BatchLayout.MIN_PIPELINE_CHUNK, Math.min(SLOT_BUDGET_CAP, totalMem / (2L * SLOTS)));
        CUcontext ctx = new CUcontext();
        // Blocking sync: the device thread sleeps in cuEventSynchronize instead of spinning a core.
        check(JCudaDriver.cuCtxCreate(ctx, CU_CTX_SCHED_BLOCKING_SYNC, dev), "cuCtxCreate");
        context = ctx;
        CUmodule m = new CUmodule();
        int rc = JCudaDriver.cuModuleLoadData(m, ptx.image());
        if (rc != CudaCallException.CUDA_SUCCESS) {
            CudaCallException e = new CudaCallException(rc, "cuModuleLoadData(" + Ptx.RESOURCE + ")");
            if (e.ptxNotLoadable()) {
                throw new DeviceException("CUDA: the driver (CUDA " + CudaProbe.version(device.driverVersion()) + ") cannot load "
                        + Ptx.RESOURCE + " (PTX ISA " + ptx.isaVersion() + ", " + ptx.target() + ", needs a driver for CUDA "
                        + ptx.minimumDriverCuda() + " or newer) on " + device.name() + ": " + CudaCallException.name(rc), e);
            }
            throw e;
        }
        module = m;
        kernelH = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(kernelH, module, "gp_resize_h"), "cuModuleGetFunction(gp_resize_h)");
        kernelV = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(kernelV, module, "gp_resize_v"), "cuModuleGetFunction(gp_resize_v)");
        for (int i = 0; i < SLOTS; i++) {
            CUstream s = new CUstream();
            check(JCudaDriver.cuStreamCreate(s, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            CUevent ev = new CUevent();
            int erc = JCudaDriver.cuEventCreate(ev, CU_EVENT_DISABLE_TIMING);
            if (erc != 0) {
                JCudaDriver.cuStreamDestroy(s);
                check(erc, "cuEventCreate");
            }
            slots[i] = new Slot(s, ev);
        }
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
        return thread.thread();
    }

    /** Test hook: pretend no buffer may exceed {@code bytes} (forces chunking and the too-large path). */
    void limitMaxAllocForTesting(long bytes) throws DeviceException {
        onDevice(() -> {
            maxAlloc = Math.min(maxAlloc, bytes);
            slotBudget = Math.min(slotBudget, bytes * 4);
            return null;
        });
    }

    /** Pinned host-to-device and device-to-device copy bandwidth of this device (see {@link CudaBandwidth}). */
    public CudaBandwidth.Result bandwidth(long bytes, int reps) throws DeviceException {
        CudaBandwidth.validate(bytes, reps);
        return onDevice(() -> {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            return CudaBandwidth.measure(slots[0].stream, bytes, reps);
        });
    }

    private <T> T onDevice(java.util.concurrent.Callable<T> task) throws DeviceException {
        if (closed) throw new DeviceException("CUDA resizer for " + device.name() + " is closed");
        try {
            return thread.call(task);
        } catch (DeviceException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("CUDA: interrupted while waiting for " + device.name(), e);
        } catch (Throwable t) {
            throw new DeviceException("CUDA failure on " + device.name() + ": " + describe(t), t);
        }
    }

    // ------------------------------------------------------------------------------------------ batches

    @Override
    public List<PixelBuffer> resize(List<ResizeRequest> batch) throws DeviceException {
        if (batch.isEmpty()) return List.of();
        List<ResizeRequest> copy = List.copyOf(batch);
        return onDevice(() -> runBatch(copy));
    }

    private List<PixelBuffer> runBatch(List<ResizeRequest> batch) throws DeviceException {
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
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
        check(JCudaDriver.cuMemcpyDtoHAsync(s.hostDst.ptr, s.dst.ptr, z.dst(), q), "cuMemcpyDtoHAsync(dst)");
        check(JCudaDriver.cuEventRecord(s.done, q), "cuEventRecord");
        s.pending = p;
    }

    private static void launch(CUfunction f, String name, CUstream q, CUdeviceptr a, CUdeviceptr b, CUdeviceptr meta,
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

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        thread.close(this::releaseAll);
    }

    /** Frees everything (on the device thread); safe on a partly opened resizer. */
    private void releaseAll() {
        try {
            if (context != null) JCudaDriver.cuCtxSetCurrent(context);
            drain();
            for (Slot s : slots) if (s != null) s.release();
            if (module != null) JCudaDriver.cuModuleUnload(module);
            if (context != null) JCudaDriver.cuCtxDestroy(context);
        } catch (Throwable ignored) {
            // closing: nothing more to do (and JCuda may not even have loaded)
        }
        module = null;
        context = null;
    }

    // ------------------------------------------------------------------------------------------ state

    /** A stream, the event that marks the end of its last chunk, and its device and pinned buffers. */
    private final class Slot {
        final CUstream stream;
        final CUevent done;
        final DeviceBuffer src = new DeviceBuffer(), mid = new DeviceBuffer(), dst = new DeviceBuffer(),
                meta = new DeviceBuffer(), wts = new DeviceBuffer();
        final PinnedBuffer hostSrc = new PinnedBuffer(), hostMeta = new PinnedBuffer(), hostWts = new PinnedBuffer(),
                hostDst = new PinnedBuffer();
        BatchLayout.Packed pending;

        Slot(CUstream stream, CUevent done) {
            this.stream = stream;
            this.done = done;
        }

        void releaseBuffers() {
            for (DeviceBuffer b : List.of(src, mid, dst, meta, wts)) b.release();
            for (PinnedBuffer b : List.of(hostSrc, hostMeta, hostWts, hostDst)) b.release();
        }

        void release() {
            releaseBuffers();
            JCudaDriver.cuEventDestroy(done);
            JCudaDriver.cuStreamDestroy(stream);
        }
    }

    /** A device buffer that grows and is otherwise kept. */
    private final class DeviceBuffer {
        CUdeviceptr ptr;
        long capacity;

        void ensure(long need) {
            if (ptr != null && capacity >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(capacity, need, maxAlloc);
            release();
            CUdeviceptr p = new CUdeviceptr();
            check(JCudaDriver.cuMemAlloc(p, cap), "cuMemAlloc(" + cap + ")");
            ptr = p;
            capacity = cap;
        }

        void release() {
            if (ptr != null) {
                JCudaDriver.cuMemFree(ptr);
                ptr = null;
                capacity = 0;
            }
        }
    }

    /** Pinned (page-locked) host memory, so the async copies are real DMA that overlaps other work. */
    private final class PinnedBuffer {
        Pointer ptr;
        ByteBuffer buf;

        void ensure(long need) {
            if (ptr != null && buf.capacity() >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(buf == null ? 0 : buf.capacity(), need, BatchLayout.INT_LIMIT);
            release();
            Pointer p = new Pointer();
            check(JCudaDriver.cuMemHostAlloc(p, cap, 0), "cuMemHostAlloc(" + cap + ")");
            ptr = p;
            buf = p.getByteBuffer(0, cap).order(ByteOrder.nativeOrder());
        }

        void release() {
            if (ptr != null) {
                JCudaDriver.cuMemFreeHost(ptr);
                ptr = null;
                buf = null;
            }
        }
    }
}
