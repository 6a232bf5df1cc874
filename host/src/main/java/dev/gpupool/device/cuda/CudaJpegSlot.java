package dev.gpupool.device.cuda;

import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.DeviceJpeg.Job;
import dev.gpupool.device.DeviceJpeg.Made;
import dev.gpupool.device.DeviceJpeg.Output;
import dev.gpupool.device.DeviceJpeg.Result;
import dev.gpupool.device.nvjpeg.Nvjpeg;
import dev.gpupool.device.nvjpeg.NvjpegException;
import dev.gpupool.image.PixelBuffer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.gpupool.device.cuda.CudaCallException.check;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One batch of {@link CudaJpeg} in flight: its stream, nvJPEG decode state, encoder states, device and
 * pinned buffers, and four timing events. {@link #submit} queues a group's whole pipeline on the
 * stream (decode, resize, orient, encode or download) and returns; {@link #collect} waits for it and
 * takes the bitstreams and pixels out. Two slots let one batch run on the GPU while the host stages
 * the next. Buffers grow and are kept. Device thread only.
 *
 * <p>States: FREE --submit--> BUSY (jobs, arena, outputs' places held) --collect--> FREE.
 */
final class CudaJpegSlot {
    /** Decoded images start on 256-byte boundaries, as cudaMalloc'd buffers do. */
    static final long ALIGN = 256;
    private static final int CU_STREAM_NON_BLOCKING = 0x1;
    private static final int EVENT_TIMED = 0x1; // CU_EVENT_BLOCKING_SYNC, with timing

    private final CudaSession session;
    private final CudaJpeg codec;
    private final Nvjpeg nv;
    final CUstream stream = new CUstream();
    final long rawStream;
    private final long decodeState;
    private int initializedBatch = -1;
    private final CUevent start = new CUevent(), decoded = new CUevent(), resized = new CUevent(), encoded = new CUevent();
    private final List<Long> encoderStates = new ArrayList<>();
    private final GrowingBuffers.Device src, mid, dst, upright, meta, wts, sharp, sp;
    private final GrowingBuffers.Pinned hostMeta, hostWts, hostOut, hostSp;

    // BUSY only: the group in flight.
    private List<Job> jobs;
    private Arena arena;
    private Result[] out;
    private int from;
    private boolean[] took;
    private List<Place> places;

    /** Where one output of the group ends up: its job, output index, and device address, shape and encoder state or host offset. */
    private record Place(int job, int output, long offset, int width, int height, int encoderState) {
    }

    CudaJpegSlot(CudaSession session, CudaJpeg codec, Nvjpeg nv, long decodeHandle) {
        this.session = session;
        this.codec = codec;
        this.nv = nv;
        src = device(); mid = device(); dst = device(); upright = device(); meta = device(); wts = device(); sharp = device(); sp = device();
        hostMeta = new GrowingBuffers.Pinned(session); hostWts = new GrowingBuffers.Pinned(session); hostOut = new GrowingBuffers.Pinned(session);
        hostSp = new GrowingBuffers.Pinned(session);
        check(JCudaDriver.cuStreamCreate(stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        rawStream = RawAddress.of(stream);
        for (CUevent e : List.of(start, decoded, resized, encoded)) check(JCudaDriver.cuEventCreate(e, EVENT_TIMED), "cuEventCreate");
        decodeState = nv.jpegStateCreate(decodeHandle);
    }

    boolean busy() {
        return jobs != null;
    }

    static long sourceBytes(Job j) {
        return (j.width() * (long) j.height() * 3 + ALIGN - 1) / ALIGN * ALIGN;
    }

    /**
     * Queues the pipeline of {@code jobs[from..to)} (their decoded pixels fit the codec's budget) and
     * returns; results land in {@code out} at {@link #collect}. Decoding errors nvJPEG reports at once
     * retry image by image (synchronously), so only the images at fault are refused.
     */
    void submit(List<Job> jobs, int from, int to, Result[] out) {
        this.jobs = jobs;
        this.from = from;
        this.out = out;
        this.arena = Arena.ofConfined();
        int n = to - from;
        long[] srcOff = new long[n];
        long total = 0;
        for (int k = 0; k < n; k++) {
            srcOff[k] = total;
            total += sourceBytes(jobs.get(from + k));
        }
        src.ensure(total);
        check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
        took = decode(n, srcOff);
        check(JCudaDriver.cuEventRecord(decoded, stream), "cuEventRecord");
        places = resizeOrientEncode(n, srcOff);
        check(JCudaDriver.cuEventRecord(encoded, stream), "cuEventRecord");
    }

    /** Decodes the group into {@code src}; returns which jobs decoded (the others got a Result saying why not). */
    private boolean[] decode(int n, long[] srcOff) {
        MemorySegment[] data = new MemorySegment[n];
        MemorySegment images = arena.allocate(Nvjpeg.IMAGE, n);
        long base = RawAddress.of(src.ptr);
        for (int k = 0; k < n; k++) {
            Job j = jobs.get(from + k);
            data[k] = arena.allocate(j.jpeg().length);
            MemorySegment.copy(j.jpeg(), 0, data[k], ValueLayout.JAVA_BYTE, 0, j.jpeg().length);
            MemorySegment img = images.asSlice(k * Nvjpeg.IMAGE.byteSize(), Nvjpeg.IMAGE.byteSize());
            img.set(ADDRESS, 0, MemorySegment.ofAddress(base + srcOff[k]));
            img.set(JAVA_LONG, 4 * ADDRESS.byteSize(), (long) j.width() * 3);
        }
        boolean[] ok = new boolean[n];
        try {
            decodeBatch(data, images, 0, n);
            Arrays.fill(ok, true);
            return ok;
        } catch (NvjpegException e) {
            sync(); // nothing of the failed batch may still run on the buffers
            initializedBatch = -1;
        }
        int failures = 0;
        NvjpegException last = null;
        for (int k = 0; k < n; k++) { // one by one: only the images at fault go back to the CPU
            try {
                decodeBatch(data, images, k, 1);
                sync();
                ok[k] = true;
            } catch (NvjpegException e) {
                sync();
                initializedBatch = -1;
                failures++;
                last = e;
                out[from + k] = new Result(null, "nvJPEG: " + e.getMessage());
            }
        }
        if (failures == n && last != null && !last.badInput()) throw last; // the device, not the data
        return ok;
    }

    private void decodeBatch(MemorySegment[] data, MemorySegment images, int first, int count) {
        if (initializedBatch != count) {
            nv.decodeBatchedInitialize(codec.decodeHandle(), decodeState, count, 1, Nvjpeg.OUTPUT_RGBI);
            initializedBatch = count;
        }
        MemorySegment ptrs = arena.allocate(ADDRESS, count), lens = arena.allocate(JAVA_LONG, count);
        for (int k = 0; k < count; k++) {
            ptrs.setAtIndex(ADDRESS, k, data[first + k]);
            lens.setAtIndex(JAVA_LONG, k, data[first + k].byteSize());
        }
        MemorySegment imgs = images.asSlice(first * Nvjpeg.IMAGE.byteSize(), count * Nvjpeg.IMAGE.byteSize());
        nv.decodeBatched(codec.decodeHandle(), decodeState, ptrs, lens, imgs, rawStream);
    }

    /** Queues the resize of every output of the decoded jobs, their orientation, and their encoding or download. */
    private List<Place> resizeOrientEncode(int n, long[] srcOff) {
        List<BatchLayout.Resident> rs = new ArrayList<>();
        List<int[]> owner = new ArrayList<>(); // {job k, output index, orientation}
        for (int k = 0; k < n; k++) {
            if (!took[k]) continue;
            Job j = jobs.get(from + k);
            for (int o = 0; o < j.outputs().size(); o++) {
                Output op = j.outputs().get(o);
                rs.add(new BatchLayout.Resident(srcOff[k], j.width(), j.height(), 3, op.x(), op.y()));
                owner.add(new int[]{k, o, j.orientation()});
            }
        }
        if (rs.isEmpty()) {
            check(JCudaDriver.cuEventRecord(resized, stream), "cuEventRecord");
            return List.of();
        }
        BatchLayout.Resident[] sources = rs.toArray(new BatchLayout.Resident[0]);
        BatchLayout.Need[] needs = new BatchLayout.Need[sources.length];
        for (int i = 0; i < needs.length; i++) needs[i] = sources[i].need();
        BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, 0, needs.length);
        mid.ensure(z.mid());
        dst.ensure(z.dst());
        meta.ensure(z.meta());
        wts.ensure(z.wts());
        hostMeta.ensure(z.meta());
        hostWts.ensure(z.wts());
        BatchLayout.Packed p = BatchLayout.packResident(sources, needs, hostMeta.buf, hostWts.buf);
        check(JCudaDriver.cuMemcpyHtoDAsync(meta.ptr, hostMeta.ptr, z.meta(), stream), "cuMemcpyHtoDAsync(meta)");
        check(JCudaDriver.cuMemcpyHtoDAsync(wts.ptr, hostWts.ptr, z.wts(), stream), "cuMemcpyHtoDAsync(wts)");
        CudaResizer.launch(codec.resizeH(), "gp_resize_h", stream, src.ptr, mid.ptr, meta.ptr, wts.ptr, p.images(), p.hTotal());
        CudaResizer.launch(codec.resizeV(), "gp_resize_v", stream, mid.ptr, dst.ptr, meta.ptr, wts.ptr, p.images(), p.vTotal());
        // --sharpen: gp_sharpen from dst into sharp, which the orientation, the encoder and the download then read.
        CUdeviceptr resizedAt = dst.ptr;
        List<dev.gpupool.image.Sharpen> sharpen = new ArrayList<>(sources.length);
        for (int[] o : owner) sharpen.add(jobs.get(from + o[0]).sharpen());
        if (sharpen.stream().anyMatch(java.util.Objects::nonNull)) {
            long spBytes = BatchLayout.sharpenBytes(sources.length);
            sharp.ensure(z.dst());
            sp.ensure(spBytes);
            hostSp.ensure(spBytes);
            BatchLayout.packSharpen(sharpen, hostSp.buf);
            check(JCudaDriver.cuMemcpyHtoDAsync(sp.ptr, hostSp.ptr, spBytes, stream), "cuMemcpyHtoDAsync(sp)");
            CudaResizer.launch(codec.sharpen(), "gp_sharpen", stream, dst.ptr, sharp.ptr, meta.ptr, sp.ptr, p.images(), p.vTotal());
            resizedAt = sharp.ptr;
        }
        boolean anyTurned = owner.stream().anyMatch(o -> o[2] != 1);
        if (anyTurned) upright.ensure(z.dst());
        long pixelBytes = 0;
        for (int i = 0; i < sources.length; i++) {
            int[] shape = p.shapes()[i];
            int orientation = owner.get(i)[2];
            if (orientation != 1) {
                long off = p.dstOffsets()[i];
                CudaOrient.launchOrient(codec.orient(), stream, resizedAt.withByteOffset(off), upright.ptr.withByteOffset(off),
                        shape[0], shape[1], 3, orientation);
            }
            if (output(owner.get(i)).quality() <= 0) pixelBytes = Math.max(pixelBytes, p.dstOffsets()[i] + (long) shape[0] * shape[1] * 3);
        }
        check(JCudaDriver.cuEventRecord(resized, stream), "cuEventRecord");
        // Encode the JPEG outputs (each with its own encoder state), download the others.
        if (pixelBytes > 0) hostOut.ensure(pixelBytes);
        List<Place> placed = new ArrayList<>(sources.length);
        MemorySegment img = arena.allocate(Nvjpeg.IMAGE);
        int used = 0;
        for (int i = 0; i < sources.length; i++) {
            int[] o = owner.get(i), shape = p.shapes()[i];
            boolean swap = dev.gpupool.codec.Orientation.transposes(o[2]);
            int w = swap ? shape[1] : shape[0], h = swap ? shape[0] : shape[1];
            long off = p.dstOffsets()[i];
            CUdeviceptr at = o[2] == 1 ? resizedAt : upright.ptr;
            Output op = output(o);
            if (op.quality() > 0) {
                if (used == encoderStates.size()) encoderStates.add(nv.encoderStateCreate(codec.encodeHandle(), rawStream));
                img.fill((byte) 0);
                img.set(ADDRESS, 0, MemorySegment.ofAddress(RawAddress.of(at) + off));
                img.set(JAVA_LONG, 4 * ADDRESS.byteSize(), (long) w * 3);
                nv.encodeImage(codec.encodeHandle(), encoderStates.get(used), codec.params(op, rawStream), img, w, h, rawStream);
                placed.add(new Place(o[0], o[1], off, w, h, used++));
            } else {
                check(JCudaDriver.cuMemcpyDtoHAsync(hostOut.ptr.withByteOffset(off), at.withByteOffset(off), (long) w * h * 3, stream),
                        "cuMemcpyDtoHAsync(thumbnail)");
                placed.add(new Place(o[0], o[1], off, w, h, -1));
            }
        }
        return placed;
    }

    private Output output(int[] owner) {
        return jobs.get(from + owner[0]).outputs().get(owner[1]);
    }

    /** Waits for the group, fills its results, adds its device time per stage to {@code nanos}, and frees the slot. */
    void collect(long[] nanos) {
        try {
            check(JCudaDriver.cuEventSynchronize(encoded), "cuEventSynchronize (JPEG batch)");
            nanos[0] += elapsed(start, decoded);
            nanos[1] += elapsed(decoded, resized);
            nanos[2] += elapsed(resized, encoded);
            long t = System.nanoTime();
            List<List<Made>> made = new ArrayList<>();
            for (int k = 0; k < took.length; k++) made.add(took[k] ? new ArrayList<>() : null);
            for (Place pl : places) {
                if (pl.encoderState() >= 0) {
                    made.get(pl.job()).add(new Made(nv.retrieveBitstream(codec.encodeHandle(), encoderStates.get(pl.encoderState()), rawStream), null));
                } else {
                    byte[] px = new byte[pl.width() * pl.height() * 3];
                    hostOut.buf.get((int) pl.offset(), px);
                    made.get(pl.job()).add(new Made(null, new PixelBuffer(pl.width(), pl.height(), 3, px)));
                }
            }
            for (int k = 0; k < took.length; k++) if (took[k]) out[from + k] = new Result(made.get(k), null);
            nanos[2] += System.nanoTime() - t;
        } finally {
            free();
        }
    }

    private static long elapsed(CUevent a, CUevent b) {
        float[] ms = new float[1];
        return JCudaDriver.cuEventElapsedTime(ms, a, b) == 0 ? (long) (ms[0] * 1e6) : 0;
    }

    /** Back to FREE after a failure: waits out the stream, drops the group. Never throws. */
    void abandon() {
        try {
            JCudaDriver.cuStreamSynchronize(stream);
        } catch (Throwable ignored) {
            // the stream may be broken; the next call will find out
        }
        initializedBatch = -1;
        free();
    }

    private void free() {
        if (arena != null) arena.close();
        arena = null;
        jobs = null;
        out = null;
        took = null;
        places = null;
    }

    private void sync() {
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize (JPEG codec)");
    }

    /** Frees what the slot holds (device thread, its context current). Never throws. */
    void release() {
        abandon();
        try {
            for (long s : encoderStates) nv.encoderStateDestroy(s);
            nv.jpegStateDestroy(decodeState);
            for (GrowingBuffers.Device b : List.of(src, mid, dst, upright, meta, wts, sharp, sp)) b.release();
            for (GrowingBuffers.Pinned b : List.of(hostMeta, hostWts, hostOut, hostSp)) b.release();
            for (CUevent e : List.of(start, decoded, resized, encoded)) JCudaDriver.cuEventDestroy(e);
            JCudaDriver.cuStreamDestroy(stream);
        } catch (Throwable ignored) {
            // closing: the context goes next anyway
        }
        encoderStates.clear();
    }

    private GrowingBuffers.Device device() {
        return new GrowingBuffers.Device(session, () -> Long.MAX_VALUE);
    }
}
