package dev.gpupool.device.cuda;

import dev.gpupool.device.BatchLayout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * A line-by-line Java port of {@code kernels/resize_body.h}: every work item of both passes, walking
 * the packed descriptor tables exactly as a GPU thread does (binary search for its image, offsets from
 * the descriptor). Java float arithmetic is IEEE single precision, never fused, evaluated left to
 * right, as the kernels' GP_MUL/GP_ADD/GP_DIV; so a correct layout must reproduce the CPU Resampler
 * bit for bit. This checks the host's packing without a GPU.
 */
final class KernelEmulator {
    private KernelEmulator() {
    }

    /** Runs both passes over a packed chunk; returns dst. */
    static ByteBuffer run(ByteBuffer src, ByteBuffer metaBytes, ByteBuffer wtsBytes, BatchLayout.Packed p, long midBytes, long dstBytes) {
        IntBuffer meta = metaBytes.asIntBuffer();
        FloatBuffer wts = wtsBytes.asFloatBuffer();
        float[] mid = new float[(int) (midBytes / 4)];
        ByteBuffer dst = ByteBuffer.allocate((int) dstBytes).order(ByteOrder.nativeOrder());
        int nimg = p.images();
        int hThreads = (int) LaunchGeometry.of(p.hTotal()).threads(), vThreads = (int) LaunchGeometry.of(p.vTotal()).threads();
        for (int gid = 0; gid < hThreads; gid++) horizontal(gid, p.hTotal(), src, mid, meta, wts, nimg);
        for (int gid = 0; gid < vThreads; gid++) vertical(gid, p.vTotal(), mid, dst, meta, wts, nimg);
        return dst;
    }

    static int findImage(IntBuffer meta, int nimg, int field, int gid) {
        int lo = 0, hi = nimg - 1;
        while (lo < hi) {
            int m = (lo + hi + 1) >> 1;
            if (meta.get(m * BatchLayout.DESC + field) <= gid) lo = m; else hi = m - 1;
        }
        return lo;
    }

    private static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xFF;
    }

    /** roundf (half away from zero), then the kernel's clamp. */
    static byte toU8(float v) {
        float r = (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
        if (!(r > 0.0f)) return 0;
        if (r > 255.0f) return (byte) 255;
        return (byte) (int) r;
    }

    private static void horizontal(int gid, int total, ByteBuffer src, float[] mid, IntBuffer meta, FloatBuffer wts, int nimg) {
        if (gid >= total) return;
        int d = findImage(meta, nimg, BatchLayout.D_HSTART, gid) * BatchLayout.DESC;
        int lidx = gid - meta.get(d + BatchLayout.D_HSTART);
        int outW = meta.get(d + BatchLayout.D_OUTW), inW = meta.get(d + BatchLayout.D_INW), ch = meta.get(d + BatchLayout.D_CH);
        int row = lidx / outW, i = lidx - row * outW;
        int taps = meta.get(d + BatchLayout.D_XTAPS);
        int f = meta.get(meta.get(d + BatchLayout.D_XFIRST) + i);
        int w = meta.get(d + BatchLayout.D_XW) + i * taps;
        int s = meta.get(d + BatchLayout.D_SRC) + row * inW * ch;
        float acc0 = 0f, acc1 = 0f, acc2 = 0f, acc3 = 0f;
        final float inv255 = 1.0f / 255.0f;
        for (int k = 0; k < taps; k++) {
            int p = s + Math.min(f + k, inW - 1) * ch;
            float wk = wts.get(w + k);
            if (ch == 1) {
                acc0 = acc0 + wk * (float) u8(src, p);
            } else if (ch == 2) {
                float av = u8(src, p + 1);
                acc0 = acc0 + wk * ((float) u8(src, p) * av * inv255);
                acc1 = acc1 + wk * av;
            } else if (ch == 3) {
                acc0 = acc0 + wk * (float) u8(src, p);
                acc1 = acc1 + wk * (float) u8(src, p + 1);
                acc2 = acc2 + wk * (float) u8(src, p + 2);
            } else {
                float av = u8(src, p + 3);
                acc0 = acc0 + wk * ((float) u8(src, p) * av * inv255);
                acc1 = acc1 + wk * ((float) u8(src, p + 1) * av * inv255);
                acc2 = acc2 + wk * ((float) u8(src, p + 2) * av * inv255);
                acc3 = acc3 + wk * av;
            }
        }
        int m = meta.get(d + BatchLayout.D_MID) + lidx * ch;
        mid[m] = acc0;
        if (ch > 1) mid[m + 1] = acc1;
        if (ch > 2) mid[m + 2] = acc2;
        if (ch > 3) mid[m + 3] = acc3;
    }

    private static void vertical(int gid, int total, float[] mid, ByteBuffer dst, IntBuffer meta, FloatBuffer wts, int nimg) {
        if (gid >= total) return;
        int d = findImage(meta, nimg, BatchLayout.D_VSTART, gid) * BatchLayout.DESC;
        int lidx = gid - meta.get(d + BatchLayout.D_VSTART);
        int outW = meta.get(d + BatchLayout.D_OUTW), inH = meta.get(d + BatchLayout.D_INH), ch = meta.get(d + BatchLayout.D_CH);
        int j = lidx / outW, i = lidx - j * outW;
        int taps = meta.get(d + BatchLayout.D_YTAPS);
        int f = meta.get(meta.get(d + BatchLayout.D_YFIRST) + j);
        int w = meta.get(d + BatchLayout.D_YW) + j * taps;
        int m = meta.get(d + BatchLayout.D_MID) + i * ch;
        int stride = outW * ch;
        float acc0 = 0f, acc1 = 0f, acc2 = 0f, acc3 = 0f;
        for (int k = 0; k < taps; k++) {
            int p = m + Math.min(f + k, inH - 1) * stride;
            float wk = wts.get(w + k);
            acc0 = acc0 + wk * mid[p];
            if (ch > 1) acc1 = acc1 + wk * mid[p + 1];
            if (ch > 2) acc2 = acc2 + wk * mid[p + 2];
            if (ch > 3) acc3 = acc3 + wk * mid[p + 3];
        }
        int o = meta.get(d + BatchLayout.D_DST) + lidx * ch;
        if (ch == 1) {
            dst.put(o, toU8(acc0));
        } else if (ch == 2) {
            dst.put(o, toU8(acc1 > 0f ? acc0 * 255.0f / acc1 : 0f));
            dst.put(o + 1, toU8(acc1));
        } else if (ch == 3) {
            dst.put(o, toU8(acc0));
            dst.put(o + 1, toU8(acc1));
            dst.put(o + 2, toU8(acc2));
        } else {
            dst.put(o, toU8(acc3 > 0f ? acc0 * 255.0f / acc3 : 0f));
            dst.put(o + 1, toU8(acc3 > 0f ? acc1 * 255.0f / acc3 : 0f));
            dst.put(o + 2, toU8(acc3 > 0f ? acc2 * 255.0f / acc3 : 0f));
            dst.put(o + 3, toU8(acc3));
        }
    }
}
