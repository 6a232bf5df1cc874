package dev.gpupool.device.opencl;

import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.BatchLayout.Need;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The batched resize on one OpenCL device ({@code kernels/resize.cl}).
 *
 * <p>A batch is cut into chunks; each chunk is one upload of its concatenated pixels and weight
 * tables, one launch per pass for all its images, and one download. Chunks alternate between two
 * in-order command queues, each with its own device buffers and direct host staging buffers (kept
 * and grown across batches), and every transfer is non-blocking: while the device runs chunk k, the
 * host packs chunk k+1 and unpacks chunk k-1. Chunks respect {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE} per
 * buffer and a memory budget per queue; when the device runs out of memory the budget is halved and
 * the unfinished part of the batch is rerun, and an image that cannot fit alone raises
 * {@link OpenClImageTooLargeException}. Calls are serialised: one batch at a time per resizer.
 */
public final class OpenClResizer implements DeviceResizer {
    /** Budget cap per queue: chunks of this size already keep any device busy. */
    private static final long SLOT_BUDGET_CAP = 1L << 30;

    private final OpenClDevice device;
    private final cl_context context;
    private final cl_program program;
    private final cl_kernel kernelH;
    private final cl_kernel kernelV;
    private final cl_kernel kernelS;
    private final Slot[] slots = new Slot[2];
    private final boolean programFromCache;
    private final Path cacheFile;
    private final boolean ownsContext;
    private final String cacheNote;
    private final String buildOptions;
    private long maxAlloc;
    private long slotBudget;
    private int lastBatchChunks;
    private boolean closed;

    /** Opens usable device {@code deviceIndex} (as {@link OpenClProbe} numbers them), caching binaries in the default folder. */
    public static OpenClResizer open(int deviceIndex, boolean allowCpuDevices) throws DeviceException {
        return open(deviceIndex, allowCpuDevices, ProgramCache.defaultDir());
    }

    /** Opens usable device {@code deviceIndex}, caching program binaries in {@code cacheDir}. */
    public static OpenClResizer open(int deviceIndex, boolean allowCpuDevices, Path cacheDir) throws DeviceException {
        OpenClProbe.Scan scan = new OpenClProbe(allowCpuDevices).scan();
        if (scan.failure() != null) throw new DeviceException("OpenCL " + scan.failure());
        List<OpenClDevice> usable = scan.usable();
        if (deviceIndex < 0 || deviceIndex >= usable.size()) {
            throw new DeviceException("no usable OpenCL device #" + deviceIndex + " (" + usable.size() + " usable): "
                    + String.join("; ", scan.details()));
        }
        return open(usable.get(deviceIndex), cacheDir);
    }

    /** Opens {@code device}; builds the program or loads it from {@code cacheDir}. */
    public static OpenClResizer open(OpenClDevice device, Path cacheDir) throws DeviceException {
        try {
            CL.setExceptionsEnabled(true);
            return new OpenClResizer(device, null, cacheDir, null);
        } catch (DeviceException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("OpenCL: cannot open " + device.label() + ": " + t, t);
        }
    }

    /** Test hook: builds {@code source} instead of {@code kernels/resize.cl} (to see a build failure). */
    static OpenClResizer openWithSource(OpenClDevice device, Path cacheDir, String source) throws DeviceException {
        CL.setExceptionsEnabled(true);
        return new OpenClResizer(device, null, cacheDir, source);
    }

    /** A client of {@code session}: its context, program cache and device; the session releases the context. */
    static OpenClResizer onSession(OpenClSession session) throws DeviceException {
        try {
            CL.setExceptionsEnabled(true);
            return new OpenClResizer(session.device(), session.context(), session.cacheDir(), null);
        } catch (DeviceException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("OpenCL: cannot open " + session.device().label() + ": " + t, t);
        }
    }

    /** {@code shared}: the session's context to use (and leave alone on close), or null to create one and own it. */
    private OpenClResizer(OpenClDevice device, cl_context shared, Path cacheDir, String sourceOverride) throws DeviceException {
        this.device = device;
        this.ownsContext = shared == null;
        this.maxAlloc = Math.min(device.maxAllocBytes(), BatchLayout.INT_LIMIT);
        this.slotBudget = Math.max(BatchLayout.MIN_PIPELINE_CHUNK, Math.min(SLOT_BUDGET_CAP, device.globalMemBytes() / 4));
        cl_device_id[] devs = {device.device()};
        cl_context ctx = null;
        cl_program prog = null;
        try {
            ctx = shared != null ? shared : CL.clCreateContext(null, 1, devs, null, null, null);
            String source = sourceOverride;
            try {
                if (source == null) source = KernelSource.load("resize.cl");
            } catch (IOException e) {
                throw new DeviceException("OpenCL: " + e.getMessage(), e);
            }
            // No -cl-fast-relaxed-math / -cl-mad-enable: rounding must follow the Java reference.
            buildOptions = device.correctlyRoundedDivide() ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
            ProgramBuild built;
            try {
                built = ProgramBuild.build(new ProgramCache(cacheDir), "resize", ctx, device, source, buildOptions);
            } catch (ProgramBuild.Failed e) {
                throw new DeviceException("OpenCL program build failed on " + device.label() + " (" + e.status()
                        + "); build log:\n" + e.log(), e.getCause());
            }
            prog = built.program();
            cacheFile = built.cacheFile();
            programFromCache = built.fromCache();
            cacheNote = built.note();
            kernelH = CL.clCreateKernel(prog, "gp_resize_h", null);
            kernelV = CL.clCreateKernel(prog, "gp_resize_v", null);
            kernelS = CL.clCreateKernel(prog, "gp_sharpen", null);
            for (int i = 0; i < slots.length; i++) {
                @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; 1.2 devices exist
                cl_command_queue q = CL.clCreateCommandQueue(ctx, device.device(), 0, null);
                slots[i] = new Slot(q);
            }
            context = ctx;
            program = prog;
        } catch (DeviceException e) {
            cleanupPartial(ownsContext ? ctx : null, prog);
            throw e;
        } catch (Throwable t) {
            cleanupPartial(ownsContext ? ctx : null, prog);
            throw new DeviceException("OpenCL: cannot set up " + device.label() + ": " + t, t);
        }
    }

    private void cleanupPartial(cl_context ctx, cl_program prog) {
        for (Slot s : slots) if (s != null) s.release();
        if (kernelH != null) CL.clReleaseKernel(kernelH);
        if (kernelV != null) CL.clReleaseKernel(kernelV);
        if (kernelS != null) CL.clReleaseKernel(kernelS);
        if (prog != null) ProgramBuild.releaseQuietly(prog);
        if (ctx != null) {
            try {
                CL.clReleaseContext(ctx);
            } catch (Throwable ignored) {
                // already failing
            }
        }
    }

    /** The context this client runs in (the session's, when it is one's client). */
    cl_context context() {
        return context;
    }

    @Override
    public String deviceName() {
        return "OpenCL: " + device.label();
    }

    /** The device this resizer runs on. */
    public OpenClDevice device() {
        return device;
    }

    /** Whether the program binary came from the disk cache (rather than a build from source). */
    public boolean programFromCache() {
        return programFromCache;
    }

    /** The cache file of this device's program binary (it may not exist when the cache is unwritable). */
    public Path cacheFile() {
        return cacheFile;
    }

    /** Why the cache was not used or written, or null. */
    public String cacheNote() {
        return cacheNote;
    }

    /** The OpenCL build options used. */
    public String buildOptions() {
        return buildOptions;
    }

    /** Chunks (uploads + launch pairs) the last {@link #resize} call used. */
    synchronized int lastBatchChunks() {
        return lastBatchChunks;
    }

    /** Test hook: pretend the device's largest allocation is {@code bytes} (forces chunking and the too-large path). */
    synchronized void limitMaxAllocForTesting(long bytes) {
        maxAlloc = Math.min(maxAlloc, bytes);
        slotBudget = Math.min(slotBudget, bytes * 4);
    }

    // ------------------------------------------------------------------------------------------ batches

    @Override
    public synchronized List<PixelBuffer> resize(List<ResizeRequest> batch) throws DeviceException {
        if (closed) throw new DeviceException("OpenCL resizer for " + device.label() + " is closed");
        int n = batch.size();
        if (n == 0) return List.of();
        Need[] needs = BatchLayout.needs(batch);
        for (int i = 0; i < n; i++) {
            if (needs[i].largest() > maxAlloc || needs[i].total() > device.globalMemBytes() / 2) {
                throw tooLarge(i, batch.get(i), needs[i], "larger than the device's allocation limit of " + (maxAlloc >> 20) + " MiB");
            }
        }
        PixelBuffer[] out = new PixelBuffer[n];
        lastBatchChunks = 0;
        int start = 0;
        while (true) {
            try {
                runFrom(batch, needs, out, start);
                return Arrays.asList(out);
            } catch (CLException | OutOfMemoryError e) {
                drain();
                boolean oom = e instanceof OutOfMemoryError || isOutOfMemory(((CLException) e).getStatus());
                if (!oom) throw new DeviceException("OpenCL error on " + device.label() + ": " + e.getMessage(), e);
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
                throw new DeviceException("OpenCL failure on " + device.label() + ": " + e, e);
            }
        }
    }

    private static boolean isOutOfMemory(int status) {
        return status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL.CL_OUT_OF_RESOURCES
                || status == CL.CL_OUT_OF_HOST_MEMORY;
    }

    private OpenClImageTooLargeException tooLarge(int i, ResizeRequest r, Need need, String why) {
        return new OpenClImageTooLargeException(i, BatchLayout.describe(i, r, need) + " " + why + " on " + device.label()
                + "; run it on the CPU");
    }

    /** Runs requests {@code start..} in pipelined chunks; fills {@code out}. */
    private void runFrom(List<ResizeRequest> batch, Need[] needs, PixelBuffer[] out, int start) {
        int n = batch.size();
        // Split into at least a few chunks so that uploads, kernels and downloads of neighbours overlap.
        long target = BatchLayout.pipelineTarget(needs, start, slotBudget);
        int k = 0;
        for (int i = start; i < n; ) {
            int j = BatchLayout.chunkEnd(needs, i, target, maxAlloc);
            Slot s = slots[k & 1];
            if (s.pending != null) complete(s, out);
            submit(s, batch, needs, i, j);
            lastBatchChunks++;
            k++;
            i = j;
        }
        Slot older = slots[k & 1], newer = slots[(k + 1) & 1];
        if (older.pending != null) complete(older, out);
        if (newer.pending != null) complete(newer, out);
    }

    /** {@code gp_sharpen} runs after the vertical pass for the requests that ask for it. */
    @Override
    public boolean sharpens() {
        return true;
    }

    private void submit(Slot s, List<ResizeRequest> batch, Need[] needs, int from, int to) {
        BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, from, to);
        s.src.ensure(z.src());
        s.mid.ensure(z.mid());
        s.dst.ensure(z.dst());
        s.meta.ensure(z.meta());
        s.wts.ensure(z.wts());
        ByteBuffer hSrc = s.hostSrc.ensure(z.src());
        ByteBuffer hMeta = s.hostMeta.ensure(z.meta());
        ByteBuffer hWts = s.hostWts.ensure(z.wts());
        s.hostDst.ensure(z.dst());
        BatchLayout.Packed p = BatchLayout.pack(batch, needs, from, to, hSrc, hMeta, hWts);
        cl_command_queue q = s.queue;
        CL.clEnqueueWriteBuffer(q, s.src.mem, false, 0, z.src(), Pointer.to(hSrc), 0, null, null);
        CL.clEnqueueWriteBuffer(q, s.meta.mem, false, 0, z.meta(), Pointer.to(hMeta), 0, null, null);
        CL.clEnqueueWriteBuffer(q, s.wts.mem, false, 0, z.wts(), Pointer.to(hWts), 0, null, null);
        setArgs(kernelH, s.src.mem, s.mid.mem, s.meta.mem, s.wts.mem, p.images(), p.hTotal());
        CL.clEnqueueNDRangeKernel(q, kernelH, 1, null, new long[]{p.hTotal()}, null, 0, null, null);
        setArgs(kernelV, s.mid.mem, s.dst.mem, s.meta.mem, s.wts.mem, p.images(), p.vTotal());
        CL.clEnqueueNDRangeKernel(q, kernelV, 1, null, new long[]{p.vTotal()}, null, 0, null, null);
        cl_mem result = s.dst.mem;
        if (BatchLayout.anySharpen(batch, from, to)) { // --sharpen: dst -> sharp, then sharp comes back instead
            long spBytes = BatchLayout.sharpenBytes(to - from);
            s.sharp.ensure(z.dst());
            s.sp.ensure(spBytes);
            ByteBuffer hSp = s.hostSp.ensure(spBytes);
            BatchLayout.packSharpen(batch, from, to, hSp);
            CL.clEnqueueWriteBuffer(q, s.sp.mem, false, 0, spBytes, Pointer.to(hSp), 0, null, null);
            setArgs(kernelS, s.dst.mem, s.sharp.mem, s.meta.mem, s.sp.mem, p.images(), p.vTotal());
            CL.clEnqueueNDRangeKernel(q, kernelS, 1, null, new long[]{p.vTotal()}, null, 0, null, null);
            result = s.sharp.mem;
        }
        cl_event read = new cl_event();
        CL.clEnqueueReadBuffer(q, result, false, 0, z.dst(), Pointer.to(s.hostDst.buf), 0, null, read);
        CL.clFlush(q);
        s.pending = p;
        s.readEvent = read;
    }

    private static void setArgs(cl_kernel k, cl_mem a, cl_mem b, cl_mem meta, cl_mem wts, int nimg, int total) {
        CL.clSetKernelArg(k, 0, Sizeof.cl_mem, Pointer.to(a));
        CL.clSetKernelArg(k, 1, Sizeof.cl_mem, Pointer.to(b));
        CL.clSetKernelArg(k, 2, Sizeof.cl_mem, Pointer.to(meta));
        CL.clSetKernelArg(k, 3, Sizeof.cl_mem, Pointer.to(wts));
        CL.clSetKernelArg(k, 4, Sizeof.cl_int, Pointer.to(new int[]{nimg}));
        CL.clSetKernelArg(k, 5, Sizeof.cl_int, Pointer.to(new int[]{total}));
    }

    /** Waits for the slot's download and copies its images out. */
    private void complete(Slot s, PixelBuffer[] out) {
        cl_event ev = s.readEvent;
        try {
            try {
                CL.clWaitForEvents(1, new cl_event[]{ev});
            } catch (CLException e) {
                int[] status = new int[1];
                try {
                    CL.clGetEventInfo(ev, CL.CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(status), null);
                } catch (Throwable ignored) {
                    throw e;
                }
                if (status[0] < 0) throw new CLException("chunk failed: " + CL.stringFor_errorCode(status[0]), status[0]);
                throw e;
            }
        } finally {
            CL.clReleaseEvent(ev);
            s.readEvent = null;
        }
        BatchLayout.Packed p = s.pending;
        s.pending = null;
        p.unpack(s.hostDst.buf, out);
    }

    /** Waits out whatever is in flight after a failure; never throws. */
    private void drain() {
        for (Slot s : slots) {
            if (s.readEvent != null) {
                try {
                    CL.clWaitForEvents(1, new cl_event[]{s.readEvent});
                } catch (Throwable ignored) {
                    // failed anyway
                }
                try {
                    CL.clReleaseEvent(s.readEvent);
                } catch (Throwable ignored) {
                    // nothing to do
                }
                s.readEvent = null;
            }
            s.pending = null;
            try {
                CL.clFinish(s.queue);
            } catch (Throwable ignored) {
                // the queue may be broken; the next call will find out
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        drain();
        for (Slot s : slots) s.release();
        try {
            CL.clReleaseKernel(kernelH);
            CL.clReleaseKernel(kernelV);
            CL.clReleaseKernel(kernelS);
            CL.clReleaseProgram(program);
            if (ownsContext) CL.clReleaseContext(context);
        } catch (Throwable ignored) {
            // closing: nothing left to do
        }
    }

    // ------------------------------------------------------------------------------------------ state

    /** A command queue with its device buffers and host staging buffers, reused across batches. */
    private final class Slot {
        final cl_command_queue queue;
        final DeviceBuffer src = new DeviceBuffer(CL.CL_MEM_READ_ONLY);
        final DeviceBuffer mid = new DeviceBuffer(CL.CL_MEM_READ_WRITE);
        final DeviceBuffer dst = new DeviceBuffer(CL.CL_MEM_READ_WRITE); // gp_sharpen reads it
        final DeviceBuffer sharp = new DeviceBuffer(CL.CL_MEM_WRITE_ONLY);
        final DeviceBuffer sp = new DeviceBuffer(CL.CL_MEM_READ_ONLY);
        final DeviceBuffer meta = new DeviceBuffer(CL.CL_MEM_READ_ONLY);
        final DeviceBuffer wts = new DeviceBuffer(CL.CL_MEM_READ_ONLY);
        final HostBuffer hostSrc = new HostBuffer(), hostMeta = new HostBuffer(), hostWts = new HostBuffer(), hostDst = new HostBuffer(),
                hostSp = new HostBuffer();
        BatchLayout.Packed pending; // the chunk in flight
        cl_event readEvent;

        Slot(cl_command_queue queue) {
            this.queue = queue;
        }

        void releaseBuffers() {
            for (DeviceBuffer b : List.of(src, mid, dst, meta, wts, sharp, sp)) b.release();
        }

        void release() {
            releaseBuffers();
            try {
                CL.clReleaseCommandQueue(queue);
            } catch (Throwable ignored) {
                // closing
            }
        }
    }

    /** A device buffer that grows (by half again, up to the allocation limit) and is otherwise kept. */
    private final class DeviceBuffer {
        final long flags;
        cl_mem mem;
        long capacity;

        DeviceBuffer(long flags) {
            this.flags = flags;
        }

        void ensure(long need) {
            if (mem != null && capacity >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(capacity, need, maxAlloc);
            release();
            mem = CL.clCreateBuffer(context, flags, cap, null, null);
            capacity = cap;
        }

        void release() {
            if (mem != null) {
                try {
                    CL.clReleaseMemObject(mem);
                } catch (Throwable ignored) {
                    // freeing anyway
                }
                mem = null;
                capacity = 0;
            }
        }
    }

    /** A direct, native-order staging buffer (non-blocking transfers need memory the GC does not move). */
    private static final class HostBuffer {
        ByteBuffer buf;

        ByteBuffer ensure(long need) {
            if (buf == null || buf.capacity() < need) {
                long cap = BatchLayout.grow(buf == null ? 0 : buf.capacity(), need, BatchLayout.INT_LIMIT);
                buf = null; // let the old buffer go before allocating the new one
                buf = ByteBuffer.allocateDirect((int) cap).order(ByteOrder.nativeOrder());
            }
            return buf;
        }
    }
}
