package dev.gpupool.device.cuda;

import dev.gpupool.codec.Subsample;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceJpeg;
import dev.gpupool.device.nvjpeg.Nvjpeg;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * The CUDA session's JPEG codec: nvJPEG's hardware decoder decodes a batch straight into the
 * session's device memory, the resize kernels ({@code gp_resize_h/v}) make every requested size from
 * that one decode, {@code gp_orient} turns each thumbnail upright, and nvJPEG's encoder encodes it
 * on the device, so only encoded bytes cross back (pixels are downloaded only for outputs that are
 * not JPEG). A client of {@link CudaSession}: every call runs on its device thread, in its context.
 *
 * <p>A batch is cut into groups whose decoded pixels fit {@link #maxSourceBytes()}; each group runs
 * in a {@link CudaJpegSlot} (a stream with its own decode state, buffers and encoder states). There
 * are two slots: {@link #submit} queues the batch's last group and returns, so the next batch is
 * staged and queued while this one runs; earlier groups of a large batch run to the end inside
 * submit. Handles, slots and functions die with a replaced context and are made again.
 */
final class CudaJpeg implements DeviceJpeg {
    private static final long SOURCE_CAP = 1L << 30;
    static final int SLOTS = 2;

    private final CudaSession session;
    private final Nvjpeg nv;
    private final long maxSource;

    // Owned by the device thread.
    private int generation = -1;
    private long decodeHandle, encodeHandle;
    private CUfunction resizeH, resizeV, sharpen, orient;
    private final CudaJpegSlot[] slots = new CudaJpegSlot[SLOTS];
    private final Map<String, Long> encoderParams = new HashMap<>();

    /** A batch in a slot: its results so far and its device time per stage. */
    private record InFlight(CudaJpegSlot slot, int generation, Result[] out, long[] nanos) implements Pending {
    }

    /** Opens the codec on the device thread: the hardware decoder's handle first (ARCH_MISMATCH when the GPU has none). */
    CudaJpeg(CudaSession session, Nvjpeg nv, long freeBytes) {
        this.session = session;
        this.nv = nv;
        // Two slots, each with its decoded pixels and (much smaller) intermediates: an eighth of what is free between them.
        this.maxSource = Math.min(SOURCE_CAP, Math.max(64L << 20, freeBytes / 8));
        bind();
    }

    /** Handles, slots and functions in the session's current context (again after it was replaced). */
    private void bind() {
        if (generation == session.generation()) return;
        // A replaced context took the old handles with it: forget them (destroying them now could touch the dead context).
        encoderParams.clear();
        Arrays.fill(slots, null);
        decodeHandle = nv.create(Nvjpeg.BACKEND_HARDWARE);
        encodeHandle = nv.create(Nvjpeg.BACKEND_DEFAULT);
        CUmodule module;
        try {
            module = session.module(Ptx.RESOURCE, Ptx.load().image());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("CUDA: " + e.getMessage(), e);
        }
        resizeH = function(module, "gp_resize_h");
        resizeV = function(module, "gp_resize_v");
        sharpen = function(module, "gp_sharpen");
        orient = CudaOrient.function(module);
        for (int i = 0; i < SLOTS; i++) slots[i] = new CudaJpegSlot(session, this, nv, decodeHandle);
        generation = session.generation();
    }

    private static CUfunction function(CUmodule m, String name) {
        CUfunction f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, m, name), "cuModuleGetFunction(" + name + ")");
        return f;
    }

    long decodeHandle() {
        return decodeHandle;
    }

    long encodeHandle() {
        return encodeHandle;
    }

    CUfunction resizeH() {
        return resizeH;
    }

    CUfunction resizeV() {
        return resizeV;
    }

    CUfunction sharpen() {
        return sharpen;
    }

    CUfunction orient() {
        return orient;
    }

    /** The hardware decoder's engines and cores, or null when the library cannot say. Device thread only. */
    int[] hardwareInfo() {
        return nv.hardwareDecoderInfo(decodeHandle);
    }

    @Override
    public String decoderName() {
        return "nvjpeg-hardware";
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
    public Pending submit(List<Job> jobs) throws DeviceException {
        List<Job> copy = List.copyOf(jobs);
        return session.call("decoding, resizing and encoding " + copy.size() + " JPEGs", () -> {
            bind();
            Result[] out = new Result[copy.size()];
            long[] nanos = new long[3];
            CudaJpegSlot slot = null;
            for (int from = 0; from < copy.size(); ) {
                int to = groupEnd(copy, from);
                if (slot != null) slot.collect(nanos); // a large batch: the earlier group first
                slot = freeSlot();
                if (to == from + 1 && CudaJpegSlot.sourceBytes(copy.get(from)) > maxSource) { // larger than the budget: the CPU's
                    out[from] = new Result(null, "decoded it would take " + (CudaJpegSlot.sourceBytes(copy.get(from)) >> 20)
                            + " MiB, over the " + (maxSource >> 20) + " MiB the device codec may hold");
                    slot = null;
                } else {
                    try {
                        slot.submit(copy, from, to, out);
                    } catch (RuntimeException e) {
                        slot.abandon();
                        throw e;
                    }
                }
                from = to;
            }
            return new InFlight(slot, generation, out, nanos);
        });
    }

    @Override
    public Run collect(Pending pending) throws DeviceException {
        InFlight f = (InFlight) pending;
        return session.call("collecting a JPEG batch", () -> {
            if (f.slot() != null) {
                if (f.generation() != session.generation()) {
                    throw new DeviceException("CUDA: the context was replaced while a JPEG batch was on the device; it is lost");
                }
                try {
                    f.slot().collect(f.nanos());
                } catch (RuntimeException e) {
                    f.slot().abandon();
                    throw e;
                }
            }
            return new Run(Arrays.asList(f.out()), f.nanos()[0], f.nanos()[1], f.nanos()[2]);
        });
    }

    private CudaJpegSlot freeSlot() {
        for (CudaJpegSlot s : slots) if (!s.busy()) return s;
        throw new IllegalStateException("both JPEG slots are busy: collect a batch before submitting a third");
    }

    /** The end of the group from {@code from}: jobs while their decoded pixels fit; always at least one. */
    private int groupEnd(List<Job> jobs, int from) {
        long total = 0;
        int j = from;
        while (j < jobs.size() && (j == from || total + CudaJpegSlot.sourceBytes(jobs.get(j)) <= maxSource)) {
            total += CudaJpegSlot.sourceBytes(jobs.get(j++));
        }
        return j;
    }

    /** Encoder parameters for {@code op}'s quality and subsampling, made once each. */
    long params(Output op, long rawStream) {
        Subsample s = Subsample.parse(op.subsampling()).at(op.quality());
        int css = switch (s) {
            case S444 -> Nvjpeg.CSS_444;
            case S422 -> Nvjpeg.CSS_422;
            default -> Nvjpeg.CSS_420;
        };
        return encoderParams.computeIfAbsent(op.quality() + "/" + css, k -> nv.encoderParams(encodeHandle, op.quality(), css, rawStream));
    }

    /** Frees slots, parameters and handles (device thread, context current). Never throws. */
    void release() {
        if (generation != session.generation() || !session.hasContext()) return; // they died with an old context
        for (CudaJpegSlot s : slots) if (s != null) s.release();
        try {
            for (long p : encoderParams.values()) nv.encoderParamsDestroy(p);
            nv.destroy(decodeHandle);
            nv.destroy(encodeHandle);
        } catch (Throwable ignored) {
            // closing: the context goes next anyway
        }
        encoderParams.clear();
        Arrays.fill(slots, null);
        generation = -1;
    }
}
