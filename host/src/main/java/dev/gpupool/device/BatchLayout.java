package dev.gpupool.device;

import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;

/**
 * The device layout of a chunk of a batch, as {@code kernels/resize_body.h} reads it (both the
 * OpenCL and the CUDA resizer pack with this class): the images' pixels concatenated in {@code src}; per image a descriptor of
 * {@link #DESC} ints at {@code meta[img * DESC]}, followed (after all descriptors) by each image's x
 * then y first-index tables; each image's x then y weight tables concatenated in {@code wts}; the
 * float intermediates concatenated in {@code mid}; the outputs concatenated in {@code dst}. Every
 * offset is an int (the kernels index with ints), so no buffer of a chunk may exceed 2 GiB.
 * Pure host code: no device call, unit-tested without a GPU. Public only for the backend packages.
 */
public final class BatchLayout {
    public static final int DESC = 16;
    public static final int D_SRC = 0, D_INW = 1, D_INH = 2, D_CH = 3, D_OUTW = 4, D_OUTH = 5, D_MID = 6, D_DST = 7,
            D_XFIRST = 8, D_XW = 9, D_XTAPS = 10, D_YFIRST = 11, D_YW = 12, D_YTAPS = 13, D_HSTART = 14, D_VSTART = 15;
    /** The largest buffer a chunk may use: offsets are ints in the kernels (minus alignment slack). */
    public static final long INT_LIMIT = Integer.MAX_VALUE - 15L;
    /** Below this a batch is not split for pipelining; the per-chunk overhead would dominate. */
    public static final long MIN_PIPELINE_CHUNK = 4L << 20;

    private BatchLayout() {
    }

    /**
     * Bytes on the device one request needs (src, mid, dst, descriptor + first tables, weights) and its
     * work items. {@code sharesSource}: the request resizes the same pixels as the one before it (one
     * image, several sizes), so inside one chunk its source is uploaded once and both descriptors
     * point at it.
     */
    public record Need(long src, long mid, long dst, long meta, long wts, long hItems, long vItems, boolean sharesSource) {
        /** A request with a source of its own. */
        public Need(long src, long mid, long dst, long meta, long wts, long hItems, long vItems) {
            this(src, mid, dst, meta, wts, hItems, vItems, false);
        }

        public static Need of(ResizeRequest r) {
            return of(r, false);
        }

        static Need of(ResizeRequest r, boolean sharesSource) {
            PixelBuffer s = r.src();
            return of(s.width(), s.height(), s.channels(), r.x(), r.y(), sharesSource);
        }

        /** The need of a {@code width x height x channels} source resized by {@code x} and {@code y}. */
        public static Need of(int width, int height, int channels, ResampleWeights x, ResampleWeights y, boolean sharesSource) {
            long ch = channels;
            long outW = x.outSize(), outH = y.outSize();
            return new Need((long) width * height * ch, (long) height * outW * ch * 4, outW * outH * ch,
                    4L * (DESC + outW + outH), 4L * (outW * x.taps() + outH * y.taps()),
                    (long) height * outW, outW * outH, sharesSource);
        }

        /** Source bytes this request adds to a chunk that starts at {@code from} (0 when it shares the previous request's). */
        long srcIn(int from, int index) {
            return sharesSource && index > from ? 0 : src;
        }

        public long total() {
            return src + mid + dst + meta + wts;
        }

        public long largest() {
            return Math.max(Math.max(src, mid), Math.max(dst, Math.max(meta, wts)));
        }
    }

    /** Buffer sizes (bytes) of requests {@code from..to} together. */
    public record Sizes(long src, long mid, long dst, long meta, long wts, long hItems, long vItems) {
        public static Sizes of(Need[] needs, int from, int to) {
            long src = 0, mid = 0, dst = 0, meta = 0, wts = 0, h = 0, v = 0;
            for (int i = from; i < to; i++) {
                Need d = needs[i];
                src += d.srcIn(from, i);
                mid += d.mid;
                dst += d.dst;
                meta += d.meta;
                wts += d.wts;
                h += d.hItems;
                v += d.vItems;
            }
            return new Sizes(src, mid, dst, meta, wts, h, v);
        }

        public long total() {
            return src + mid + dst + meta + wts;
        }
    }

    /** Needs of every request. */
    public static Need[] needs(List<ResizeRequest> batch) {
        Need[] n = new Need[batch.size()];
        for (int i = 0; i < n.length; i++) n[i] = Need.of(batch.get(i), i > 0 && batch.get(i).src() == batch.get(i - 1).src());
        return n;
    }

    /**
     * The chunk size to aim at for requests {@code start..}: at most {@code slotBudget}, and small
     * enough that the rest of the batch makes about four chunks (so transfers and kernels of
     * neighbouring chunks overlap), but not below {@link #MIN_PIPELINE_CHUNK}.
     */
    public static long pipelineTarget(Need[] needs, int start, long slotBudget) {
        long remaining = 0;
        for (int i = start; i < needs.length; i++) remaining += needs[i].total();
        return Math.min(slotBudget, Math.max((remaining + 3) / 4, MIN_PIPELINE_CHUNK));
    }

    /**
     * The end (exclusive) of the chunk starting at {@code from}: requests are added while the chunk
     * stays within {@code target} bytes in all and {@code maxAlloc} per buffer; the first request is
     * always taken (the caller has checked that it fits alone).
     */
    public static int chunkEnd(Need[] needs, int from, long target, long maxAlloc) {
        int j = from;
        long total = 0, src = 0, mid = 0, dst = 0, meta = 0, wts = 0;
        while (j < needs.length) {
            Need d = needs[j];
            long dSrc = d.srcIn(from, j);
            boolean fits = total + d.total() - d.src + dSrc <= target && src + dSrc <= maxAlloc && mid + d.mid <= maxAlloc
                    && dst + d.dst <= maxAlloc && meta + d.meta <= maxAlloc && wts + d.wts <= maxAlloc;
            if (!fits && j > from) break;
            total += d.total() - d.src + dSrc;
            src += dSrc;
            mid += d.mid;
            dst += d.dst;
            meta += d.meta;
            wts += d.wts;
            j++;
        }
        return j;
    }

    /** The first request at or after {@code start} still without a result ({@code out.length} when all are in). */
    public static int firstUnfinished(PixelBuffer[] out, int start) {
        while (start < out.length && out[start] != null) start++;
        return start;
    }

    /**
     * The chunk budget to rerun with after the device ran out of memory at {@code budget}: half of it,
     * but not below what the first unfinished request needs; -1 when that request already had the
     * whole budget to itself (it does not fit alone, so shrinking cannot help).
     */
    public static long shrunkBudget(long budget, Need first) {
        if (budget <= first.total()) return -1;
        return Math.max(first.total(), budget / 2);
    }

    /** Request {@code i} for an error message: {@code image #i (WxHxC -> WxH, N MiB on the device)}. */
    public static String describe(int i, ResizeRequest r, Need need) {
        return "image #" + i + " (" + r.src().width() + "x" + r.src().height() + "x" + r.src().channels() + " -> "
                + r.x().outSize() + "x" + r.y().outSize() + ", " + (need.total() >> 20) + " MiB on the device)";
    }

    /**
     * New capacity for a chunk buffer (device or host staging) that must hold {@code need} bytes:
     * grows by half again, 4 KiB-aligned, at most {@code limit}, never below {@code need} (nor 4).
     */
    public static long grow(long capacity, long need, long limit) {
        need = Math.max(need, 4);
        long cap = Math.min(limit, Math.max(need, capacity + capacity / 2));
        cap = Math.min(limit, (cap + 4095) & ~4095L);
        return Math.max(cap, need);
    }

    /** A packed chunk: requests {@code from..to}, kernel totals, and where each output lies in {@code dst}. */
    public record Packed(int from, int to, int hTotal, int vTotal, int[] dstOffsets, int[][] shapes) {
        public int images() {
            return to - from;
        }

        /** Copies each image's output out of the downloaded {@code dst} (absolute indexing; the buffer is not moved). */
        public void unpack(ByteBuffer dst, PixelBuffer[] out) {
            for (int i = from; i < to; i++) {
                int[] shape = shapes[i - from];
                byte[] data = new byte[shape[0] * shape[1] * shape[2]];
                dst.get(dstOffsets[i - from], data);
                out[i] = new PixelBuffer(shape[0], shape[1], shape[2], data);
            }
        }
    }

    /**
     * A source already in device memory (decoded there): where it starts in the chunk's source buffer,
     * its shape, and the weights of each axis.
     */
    public record Resident(long srcOffset, int width, int height, int channels, ResampleWeights x, ResampleWeights y) {
        public Resident {
            if (x.inSize() != width || y.inSize() != height) {
                throw new IllegalArgumentException("weights for " + x.inSize() + "x" + y.inSize() + " applied to " + width + "x" + height);
            }
        }

        public Need need() {
            return Need.of(width, height, channels, x, y, false);
        }
    }

    /** Floats of sharpening parameters per image (kernels/resize_body.h's GP_SP): radius, amount, threshold, 0, w[0..31]. */
    public static final int SHARPEN_FLOATS = 36;
    static final int SHARPEN_MAX_WEIGHTS = SHARPEN_FLOATS - 4;

    /** Bytes of sharpening parameters for {@code images} images. */
    public static long sharpenBytes(int images) {
        return 4L * SHARPEN_FLOATS * Math.max(1, images);
    }

    /** True when a request of {@code from..to} has a {@link ResizeRequest#sharpen()}. */
    public static boolean anySharpen(List<ResizeRequest> batch, int from, int to) {
        for (int i = from; i < to; i++) if (batch.get(i).sharpen() != null) return true;
        return false;
    }

    /**
     * Writes the gp_sharpen parameters of requests {@code from..to} into {@code sp} (native order floats,
     * absolute puts from 0, {@link #sharpenBytes} bytes): radius 0 for a request without sharpening.
     */
    public static void packSharpen(List<ResizeRequest> batch, int from, int to, ByteBuffer sp) {
        packSharpen(batch.subList(from, to).stream().map(ResizeRequest::sharpen).toList(), sp);
    }

    /** As above, for one image per element of {@code sharpen} (null elements: no sharpening). */
    public static void packSharpen(List<dev.gpupool.image.Sharpen> sharpen, ByteBuffer sp) {
        for (int i = 0; i < sharpen.size(); i++) {
            int base = i * SHARPEN_FLOATS * 4;
            for (int k = 0; k < SHARPEN_FLOATS; k++) sp.putFloat(base + 4 * k, 0f);
            dev.gpupool.image.Sharpen s = sharpen.get(i);
            if (s == null) continue;
            float[] w = s.weights();
            if (w.length > SHARPEN_MAX_WEIGHTS) throw new IllegalArgumentException("sharpen radius " + (w.length - 1) + " over the kernels' 31");
            sp.putFloat(base, w.length - 1);
            sp.putFloat(base + 4, s.amount());
            sp.putFloat(base + 8, s.threshold());
            for (int k = 0; k < w.length; k++) sp.putFloat(base + 16 + 4 * k, w[k]);
        }
    }

    /**
     * Writes requests {@code from..to} into the host staging buffers (native byte order, absolute
     * puts from index 0): pixels into {@code src}, descriptors and first tables into {@code meta},
     * weights into {@code wts}. The buffers must hold {@link Sizes#of} bytes.
     */
    public static Packed pack(List<ResizeRequest> batch, Need[] needs, int from, int to, ByteBuffer src, ByteBuffer metaBytes, ByteBuffer wtsBytes) {
        checkInts(Sizes.of(needs, from, to), from, to);
        Resident[] rs = new Resident[to - from];
        long srcOff = 0, lastSrcOff = 0;
        for (int i = from; i < to; i++) {
            ResizeRequest r = batch.get(i);
            PixelBuffer p = r.src();
            boolean shared = needs[i].srcIn(from, i) == 0 && needs[i].src > 0;
            if (!shared) { // one image at several sizes: its pixels go up once per chunk
                src.put((int) srcOff, p.data());
                lastSrcOff = srcOff;
                srcOff += p.data().length;
            }
            rs[i - from] = new Resident(lastSrcOff, p.width(), p.height(), p.channels(), r.x(), r.y());
        }
        return describe(rs, needs, from, metaBytes, wtsBytes);
    }

    /**
     * Writes the descriptors and weights of {@code sources} (already on the device, at their offsets in
     * the source buffer) into the host staging buffers; {@code needs[i]} belongs to {@code sources[i]}.
     */
    public static Packed packResident(Resident[] sources, Need[] needs, ByteBuffer metaBytes, ByteBuffer wtsBytes) {
        Sizes sizes = Sizes.of(needs, 0, needs.length);
        long srcEnd = 0;
        for (Resident r : sources) srcEnd = Math.max(srcEnd, r.srcOffset() + (long) r.width() * r.height() * r.channels());
        checkInts(new Sizes(srcEnd, sizes.mid(), sizes.dst(), sizes.meta(), sizes.wts(), sizes.hItems(), sizes.vItems()), 0, needs.length);
        return describe(sources, needs, 0, metaBytes, wtsBytes);
    }

    private static void checkInts(Sizes sizes, int from, int to) {
        if (sizes.src > INT_LIMIT || sizes.mid > INT_LIMIT || sizes.dst > INT_LIMIT || sizes.meta > INT_LIMIT
                || sizes.wts > INT_LIMIT || sizes.hItems > Integer.MAX_VALUE || sizes.vItems > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk " + from + ".." + to + " exceeds the kernels' int offsets: " + sizes);
        }
    }

    /** Descriptors, first tables and weights of {@code rs} (requests {@code from..}, their sources placed). */
    private static Packed describe(Resident[] rs, Need[] needs, int from, ByteBuffer metaBytes, ByteBuffer wtsBytes) {
        IntBuffer meta = metaBytes.asIntBuffer();
        FloatBuffer wts = wtsBytes.asFloatBuffer();
        int nimg = rs.length;
        int metaPos = nimg * DESC, wtsPos = 0;
        int midOff = 0, dstOff = 0, hStart = 0, vStart = 0;
        int[] dstOffsets = new int[nimg];
        int[][] shapes = new int[nimg][];
        int[] desc = new int[DESC];
        for (int k = 0; k < nimg; k++) {
            Resident r = rs[k];
            Need need = needs[from + k];
            ResampleWeights x = r.x(), y = r.y();
            int ch = r.channels(), outW = x.outSize(), outH = y.outSize();
            desc[D_SRC] = (int) r.srcOffset();
            desc[D_INW] = r.width();
            desc[D_INH] = r.height();
            desc[D_CH] = ch;
            desc[D_OUTW] = outW;
            desc[D_OUTH] = outH;
            desc[D_MID] = midOff;
            desc[D_DST] = dstOff;
            desc[D_XFIRST] = metaPos;
            desc[D_XW] = wtsPos;
            desc[D_XTAPS] = x.taps();
            desc[D_YFIRST] = metaPos + outW;
            desc[D_YW] = wtsPos + outW * x.taps();
            desc[D_YTAPS] = y.taps();
            desc[D_HSTART] = hStart;
            desc[D_VSTART] = vStart;
            meta.put(k * DESC, desc);
            meta.put(metaPos, x.firstTable());
            meta.put(metaPos + outW, y.firstTable());
            metaPos += outW + outH;
            wts.put(wtsPos, x.weightTable());
            wts.put(wtsPos + outW * x.taps(), y.weightTable());
            wtsPos += outW * x.taps() + outH * y.taps();
            dstOffsets[k] = dstOff;
            shapes[k] = new int[]{outW, outH, ch};
            midOff += (int) (need.mid / 4);
            dstOff += (int) need.dst;
            hStart += (int) need.hItems;
            vStart += (int) need.vItems;
        }
        return new Packed(from, from + nimg, hStart, vStart, dstOffsets, shapes);
    }
}
