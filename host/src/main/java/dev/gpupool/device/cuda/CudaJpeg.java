package dev.gpupool.device.cuda;

import dev.gpupool.codec.Subsample;
import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceJpeg;
import dev.gpupool.device.nvjpeg.Nvjpeg;
import dev.gpupool.device.nvjpeg.NvjpegException;
import dev.gpupool.image.PixelBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.gpupool.device.cuda.CudaCallException.check;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA session's JPEG codec: nvJPEG's hardware decoder decodes a batch straight into the
 * session's device memory, the resize kernels ({@code gp_resize_h/v}) make every requested size from
 * that one decode, {@code gp_orient} turns each thumbnail upright, and nvJPEG's encoder encodes it
 * on the device, so only encoded bytes cross back (pixels are downloaded only for outputs that are
 * not JPEG). A client of {@link CudaSession}: every call runs on its device thread, in its context.
 *
 * <p>One call, {@link #run}, per batch; inside it, jobs are cut into groups whose decoded pixels fit
 * {@link #maxSourceBytes()}, and each group goes: JPEG bytes to native memory -> batched decode on
 * the codec's stream -> descriptors and weights up (pinned) -> resize -> orient -> encode (or
 * download) -> one wait -> bitstreams out. A group whose batched decode fails is decoded again image
 * by image, so one corrupt JPEG costs only itself (it goes back to the CPU with nvJPEG's reason).
 * Buffers grow and are kept across calls. Handles die with a replaced context and are made again.
 */
final class CudaJpeg implements DeviceJpeg {
    private static final int CU_STREAM_NON_BLOCKING = 0x1;
    /** Decoded images start on 256-byte boundaries, as cudaMalloc'd buffers do. */
    private static final long ALIGN = 256;
    private static final long SOURCE_CAP = 1L << 30;

    private final CudaSession session;
    private final Nvjpeg nv;
    private final String decoderName;
    private final long maxSource;

    // Owned by the device thread.
    private int generation = -1;
    private long decodeHandle, encodeHandle, decodeState;
    private int initializedBatch = -1;
    private long[] stageNanos = new long[3]; // of the current run: decode, resize, encode
    private CUstream stream;
    private long rawStream;
    private CUfunction resizeH, resizeV, orient;
    private final List<Long> encoderStates = new ArrayList<>();
    private final Map<String, Long> encoderParams = new HashMap<>();
    private final DeviceBuf src = new DeviceBuf(), mid = new DeviceBuf(), dst = new DeviceBuf(), upright = new DeviceBuf(),
            meta = new DeviceBuf(), wts = new DeviceBuf();
    private final PinnedBuf hostMeta = new PinnedBuf(), hostWts = new PinnedBuf(), hostOut = new PinnedBuf();

    /** Opens the codec on the device thread: the hardware decoder's handle first (ARCH_MISMATCH when the GPU has none). */
    CudaJpeg(CudaSession session, Nvjpeg nv, long freeBytes) {
        this.session = session;
        this.nv = nv;
        this.decoderName = "nvjpeg-hardware";
        this.maxSource = Math.min(SOURCE_CAP, Math.max(64L << 20, freeBytes / 8));
        bind();
    }

    /** Handles, stream and functions in the session's current context (again after it was replaced). */
    private void bind() {
        if (generation == session.generation()) return;
        // A replaced context took the old handles with it: forget them (destroying them now could touch the dead context).
        encoderStates.clear();
        encoderParams.clear();
        for (DeviceBuf b : List.of(src, mid, dst, upright, meta, wts)) b.forget();
        for (PinnedBuf b : List.of(hostMeta, hostWts, hostOut)) b.forget();
        initializedBatch = -1;
        decodeHandle = nv.create(Nvjpeg.BACKEND_HARDWARE);
        encodeHandle = nv.create(Nvjpeg.BACKEND_DEFAULT);
        decodeState = nv.jpegStateCreate(decodeHandle);
        stream = new CUstream();
        check(JCudaDriver.cuStreamCreate(stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        rawStream = RawAddress.of(stream);
        CUmodule module;
        try {
            module = session.module(Ptx.RESOURCE, Ptx.load().image());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("CUDA: " + e.getMessage(), e);
        }
        resizeH = function(module, "gp_resize_h");
        resizeV = function(module, "gp_resize_v");
        orient = CudaOrient.function(module);
        generation = session.generation();
    }

    private static CUfunction function(CUmodule m, String name) {
        CUfunction f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, m, name), "cuModuleGetFunction(" + name + ")");
        return f;
    }

    /** The hardware decoder's engines and cores, or null when the library cannot say. Device thread only. */
    int[] hardwareInfo() {
        return nv.hardwareDecoderInfo(decodeHandle);
    }

    @Override
    public String decoderName() {
        return decoderName;
    }

    @Override
    public String encoderName() {
        return "nvjpeg-cuda";
    }

    @Override
    public long maxSourceBytes() {
        return maxSource;
    }

    @Override
    public Run run(List<Job> jobs) throws DeviceException {
        if (jobs.isEmpty()) return new Run(List.of(), 0, 0, 0);
        List<Job> copy = List.copyOf(jobs);
        return session.call("decoding, resizing and encoding " + copy.size() + " JPEGs", () -> {
            bind();
            Result[] out = new Result[copy.size()];
            stageNanos = new long[3];
            for (int from = 0; from < copy.size(); ) {
                int to = groupEnd(copy, from);
                runGroup(copy, from, to, out);
                from = to;
            }
            return new Run(Arrays.asList(out), stageNanos[0], stageNanos[1], stageNanos[2]);
        });
    }

    private static long sourceBytes(Job j) {
        return align((long) j.width() * j.height() * 3);
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** The end of the group from {@code from}: jobs while their decoded pixels fit; always at least one. */
    private int groupEnd(List<Job> jobs, int from) {
        long total = 0;
        int j = from;
        while (j < jobs.size() && (j == from || total + sourceBytes(jobs.get(j)) <= maxSource)) total += sourceBytes(jobs.get(j++));
        return j;
    }

    // ------------------------------------------------------------------------------------------ one group

    private void runGroup(List<Job> jobs, int from, int to, Result[] out) {
        int n = to - from;
        long[] srcOff = new long[n];
        long srcTotal = 0;
        for (int k = 0; k < n; k++) {
            srcOff[k] = srcTotal;
            srcTotal += sourceBytes(jobs.get(from + k));
        }
        if (srcTotal > maxSource) { // one image alone larger than the budget: the CPU's
            out[from] = new Result(null, "decoded it would take " + (srcTotal >> 20) + " MiB, over the "
                    + (maxSource >> 20) + " MiB the device codec may hold");
            return;
        }
        src.ensure(srcTotal);
        try (Arena arena = Arena.ofConfined()) {
            long t = System.nanoTime();
            boolean[] decoded = decode(jobs, from, n, srcOff, arena, out);
            sync(); // the stages are timed to the device's end of each: decode and resize are serial on one stream anyway
            stageNanos[0] += System.nanoTime() - t;
            resizeOrientEncode(jobs, from, n, srcOff, decoded, out);
        }
    }

    /** Decodes the group; returns which jobs decoded (the others got a Result saying why not). */
    private boolean[] decode(List<Job> jobs, int from, int n, long[] srcOff, Arena arena, Result[] out) {
        MemorySegment[] data = new MemorySegment[n];
        MemorySegment images = arena.allocate(Nvjpeg.IMAGE, n);
        long base = RawAddress.of(src.ptr);
        for (int k = 0; k < n; k++) {
            Job j = jobs.get(from + k);
            data[k] = arena.allocate(j.jpeg().length);
            MemorySegment.copy(j.jpeg(), 0, data[k], java.lang.foreign.ValueLayout.JAVA_BYTE, 0, j.jpeg().length);
            MemorySegment img = images.asSlice(k * Nvjpeg.IMAGE.byteSize(), Nvjpeg.IMAGE.byteSize());
            img.set(ADDRESS, 0, MemorySegment.ofAddress(base + srcOff[k]));
            img.set(JAVA_LONG, 4 * ADDRESS.byteSize(), (long) j.width() * 3);
        }
        boolean[] ok = new boolean[n];
        try {
            decodeBatch(arena, data, images, 0, n);
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
                decodeBatch(arena, data, images, k, 1);
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

    private void decodeBatch(Arena arena, MemorySegment[] data, MemorySegment images, int first, int count) {
        if (initializedBatch != count) {
            nv.decodeBatchedInitialize(decodeHandle, decodeState, count, 1, Nvjpeg.OUTPUT_RGBI);
            initializedBatch = count;
        }
        MemorySegment ptrs = arena.allocate(ADDRESS, count), lens = arena.allocate(JAVA_LONG, count);
        for (int k = 0; k < count; k++) {
            ptrs.setAtIndex(ADDRESS, k, data[first + k]);
            lens.setAtIndex(JAVA_LONG, k, data[first + k].byteSize());
        }
        MemorySegment imgs = images.asSlice(first * Nvjpeg.IMAGE.byteSize(), count * Nvjpeg.IMAGE.byteSize());
        nv.decodeBatched(decodeHandle, decodeState, ptrs, lens, imgs, rawStream);
    }

    /** Resizes every output of the decoded jobs, turns them upright, encodes or downloads them; fills {@code out}. */
    private void resizeOrientEncode(List<Job> jobs, int from, int n, long[] srcOff, boolean[] decoded, Result[] out) {
        long t = System.nanoTime();
        List<BatchLayout.Resident> rs = new ArrayList<>();
        List<int[]> owner = new ArrayList<>(); // {job k, output index, orientation}
        for (int k = 0; k < n; k++) {
            if (!decoded[k]) continue;
            Job j = jobs.get(from + k);
            for (int o = 0; o < j.outputs().size(); o++) {
                Output op = j.outputs().get(o);
                rs.add(new BatchLayout.Resident(srcOff[k], j.width(), j.height(), 3, op.x(), op.y()));
                owner.add(new int[]{k, o, j.orientation()});
            }
        }
        if (rs.isEmpty()) return;
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
        CudaResizer.launch(resizeH, "gp_resize_h", stream, src.ptr, mid.ptr, meta.ptr, wts.ptr, p.images(), p.hTotal());
        CudaResizer.launch(resizeV, "gp_resize_v", stream, mid.ptr, dst.ptr, meta.ptr, wts.ptr, p.images(), p.vTotal());

        boolean anyTurned = owner.stream().anyMatch(o -> o[2] != 1);
        if (anyTurned) upright.ensure(z.dst());
        long dstBase = RawAddress.of(dst.ptr), upBase = anyTurned ? RawAddress.of(upright.ptr) : 0;
        long[] finalAddr = new long[sources.length];
        int[][] finalShape = new int[sources.length][];
        long pixelBytes = 0;
        for (int i = 0; i < sources.length; i++) {
            int[] shape = p.shapes()[i];
            int w = shape[0], h = shape[1], orientation = owner.get(i)[2];
            long off = p.dstOffsets()[i];
            if (orientation == 1) {
                finalAddr[i] = dstBase + off;
                finalShape[i] = new int[]{w, h};
            } else {
                CudaOrient.launchOrient(orient, stream, dst.ptr.withByteOffset(off), upright.ptr.withByteOffset(off), w, h, 3, orientation);
                finalAddr[i] = upBase + off;
                boolean swap = CudaOrient.transposes(orientation);
                finalShape[i] = new int[]{swap ? h : w, swap ? w : h};
            }
            Output op = jobs.get(from + owner.get(i)[0]).outputs().get(owner.get(i)[1]);
            if (op.quality() <= 0) pixelBytes = Math.max(pixelBytes, off + (long) w * h * 3);
        }

        sync();
        long t2 = System.nanoTime();
        stageNanos[1] += t2 - t;
        // Encode the JPEG outputs (each with its own encoder state), download the others.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment img = arena.allocate(Nvjpeg.IMAGE);
            int[] state = new int[sources.length];
            int used = 0;
            for (int i = 0; i < sources.length; i++) {
                Output op = jobs.get(from + owner.get(i)[0]).outputs().get(owner.get(i)[1]);
                if (op.quality() <= 0) continue;
                if (used == encoderStates.size()) encoderStates.add(nv.encoderStateCreate(encodeHandle, rawStream));
                state[i] = used++;
                img.fill((byte) 0);
                img.set(ADDRESS, 0, MemorySegment.ofAddress(finalAddr[i]));
                img.set(JAVA_LONG, 4 * ADDRESS.byteSize(), (long) finalShape[i][0] * 3);
                nv.encodeImage(encodeHandle, encoderStates.get(state[i]), params(op), img, finalShape[i][0], finalShape[i][1], rawStream);
            }
            if (pixelBytes > 0) {
                hostOut.ensure(pixelBytes);
                // Orientation-1 outputs live in dst, turned ones in upright, at the same offsets: copy what each needs.
                for (int i = 0; i < sources.length; i++) {
                    Output op = jobs.get(from + owner.get(i)[0]).outputs().get(owner.get(i)[1]);
                    if (op.quality() > 0) continue;
                    long off = p.dstOffsets()[i], bytes = (long) finalShape[i][0] * finalShape[i][1] * 3;
                    CUdeviceptr base = owner.get(i)[2] == 1 ? dst.ptr : upright.ptr;
                    check(JCudaDriver.cuMemcpyDtoHAsync(hostOut.ptr.withByteOffset(off), base.withByteOffset(off), bytes, stream),
                            "cuMemcpyDtoHAsync(thumbnail)");
                }
            }
            sync();
            List<List<Made>> made = new ArrayList<>();
            for (int k = 0; k < n; k++) made.add(decoded[k] ? new ArrayList<>() : null);
            for (int i = 0; i < sources.length; i++) {
                int k = owner.get(i)[0];
                Output op = jobs.get(from + k).outputs().get(owner.get(i)[1]);
                if (op.quality() > 0) {
                    made.get(k).add(new Made(nv.retrieveBitstream(encodeHandle, encoderStates.get(state[i]), rawStream), null));
                } else {
                    int w = finalShape[i][0], h = finalShape[i][1];
                    byte[] px = new byte[w * h * 3];
                    hostOut.buf.get(p.dstOffsets()[i], px);
                    made.get(k).add(new Made(null, new PixelBuffer(w, h, 3, px)));
                }
            }
            for (int k = 0; k < n; k++) if (decoded[k]) out[from + k] = new Result(made.get(k), null);
        }
        stageNanos[2] += System.nanoTime() - t2;
    }

    /** Encoder parameters for {@code op}'s quality and subsampling, made once each. */
    private long params(Output op) {
        Subsample s = Subsample.parse(op.subsampling()).at(op.quality());
        int css = switch (s) {
            case S444 -> Nvjpeg.CSS_444;
            case S422 -> Nvjpeg.CSS_422;
            default -> Nvjpeg.CSS_420;
        };
        return encoderParams.computeIfAbsent(op.quality() + "/" + css, k -> nv.encoderParams(encodeHandle, op.quality(), css, rawStream));
    }

    private void sync() {
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize (JPEG codec)");
    }

    /** Frees buffers, handles and the stream (device thread, context current). Never throws. */
    void release() {
        if (generation != session.generation() || !session.hasContext()) return; // they died with an old context
        try {
            sync();
            for (long s : encoderStates) nv.encoderStateDestroy(s);
            for (long p : encoderParams.values()) nv.encoderParamsDestroy(p);
            nv.jpegStateDestroy(decodeState);
            nv.destroy(decodeHandle);
            nv.destroy(encodeHandle);
            for (DeviceBuf b : List.of(src, mid, dst, upright, meta, wts)) b.release();
            for (PinnedBuf b : List.of(hostMeta, hostWts, hostOut)) b.release();
            JCudaDriver.cuStreamDestroy(stream);
        } catch (Throwable ignored) {
            // closing: the context goes next anyway
        }
        encoderStates.clear();
        encoderParams.clear();
        generation = -1;
    }

    // ------------------------------------------------------------------------------------------ buffers

    /** A device buffer that grows and is otherwise kept. */
    private final class DeviceBuf {
        CUdeviceptr ptr;
        long capacity;

        void ensure(long need) {
            if (ptr != null && capacity >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(capacity, need, Long.MAX_VALUE);
            release();
            ptr = session.memory().allocDevice(cap);
            capacity = cap;
        }

        void release() {
            if (ptr != null) session.memory().free(ptr);
            forget();
        }

        void forget() {
            ptr = null;
            capacity = 0;
        }
    }

    /** Pinned host memory for the small uploads and the pixel downloads. */
    private final class PinnedBuf {
        Pointer ptr;
        ByteBuffer buf;

        void ensure(long need) {
            if (ptr != null && buf.capacity() >= Math.max(need, 4)) return;
            long cap = BatchLayout.grow(buf == null ? 0 : buf.capacity(), need, BatchLayout.INT_LIMIT);
            release();
            ptr = session.memory().allocPinned(cap);
            buf = ptr.getByteBuffer(0, cap).order(ByteOrder.nativeOrder());
        }

        void release() {
            if (ptr != null) session.memory().free(ptr);
            forget();
        }

        void forget() {
            ptr = null;
            buf = null;
        }
    }
}
