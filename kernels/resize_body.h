/*
 * resize_body.h: the two passes of the batched resize, written once for OpenCL and CUDA (see
 * gp_portable.h). The definition of the resize is dev.gpupool.image.ResampleWeights; the reference is
 * dev.gpupool.image.Resampler, whose float operations this code repeats in the same order.
 *
 * A launch covers a whole batch. Every image has a descriptor of GP_DESC ints at meta[img * GP_DESC];
 * its weight tables follow in meta (first indices) and wts (weights); its pixels live at offsets in
 * the concatenated src / mid / dst buffers. One work item computes one pixel (all channels): the
 * horizontal pass covers sum(inH * outW) pixels, the vertical pass sum(outH * outW); a work item
 * finds its image by binary search over the descriptors' prefix sums.
 *
 * gp_sharpen_body sharpens the resized images of a batch (after the vertical pass, same descriptors)
 * with an unsharp mask; gp_orient_body (at the end) turns one image upright by its EXIF orientation,
 * on the device, before it is encoded there.
 */
#ifndef GP_RESIZE_BODY_H
#define GP_RESIZE_BODY_H

#define GP_D_SRC      0  /* byte offset of the image in src */
#define GP_D_INW      1
#define GP_D_INH      2
#define GP_D_CH       3  /* 1..4; 2 and 4 carry straight alpha in the last channel */
#define GP_D_OUTW     4
#define GP_D_OUTH     5
#define GP_D_MID      6  /* float offset of the inH x outW intermediate in mid */
#define GP_D_DST      7  /* byte offset of the output in dst */
#define GP_D_XFIRST   8  /* index in meta of the outW first indices of the x axis */
#define GP_D_XW       9  /* index in wts of the outW * xTaps weights of the x axis */
#define GP_D_XTAPS   10
#define GP_D_YFIRST  11
#define GP_D_YW      12
#define GP_D_YTAPS   13
#define GP_D_HSTART  14  /* first horizontal-pass work item of this image */
#define GP_D_VSTART  15  /* first vertical-pass work item of this image */
#define GP_DESC      16

/* The last image whose prefix start (descriptor field `field`) is <= gid. */
DEVICE_FN int gp_find_image(GLOBAL const int* meta, int nimg, int field, int gid) {
    int lo = 0, hi = nimg - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) >> 1;
        if (meta[mid * GP_DESC + field] <= gid) lo = mid; else hi = mid - 1;
    }
    return lo;
}

/* Java's Resampler.toByte: round to nearest, clamp to 0..255. */
DEVICE_FN gp_u8 gp_to_u8(float v) {
    float r = GP_ROUND(v);
    if (!(r > 0.0f)) return (gp_u8) 0;
    if (r > 255.0f) return (gp_u8) 255;
    return (gp_u8) (int) r;
}

/* Horizontal pass: src (8-bit, straight alpha) -> mid (float, premultiplied when there is alpha). */
DEVICE_FN void gp_resize_h_body(int gid, int total, GLOBAL const gp_u8* src, GLOBAL float* mid,
                                GLOBAL const int* meta, GLOBAL const float* wts, int nimg) {
    if (gid >= total) return;
    GLOBAL const int* d = meta + gp_find_image(meta, nimg, GP_D_HSTART, gid) * GP_DESC;
    int lidx = gid - d[GP_D_HSTART];
    int outW = d[GP_D_OUTW], inW = d[GP_D_INW], ch = d[GP_D_CH];
    int row = lidx / outW, i = lidx - row * outW;
    int taps = d[GP_D_XTAPS];
    int f = meta[d[GP_D_XFIRST] + i];
    GLOBAL const float* w = wts + d[GP_D_XW] + i * taps;
    GLOBAL const gp_u8* s = src + d[GP_D_SRC] + row * inW * ch;
    float acc0 = 0.0f, acc1 = 0.0f, acc2 = 0.0f, acc3 = 0.0f;
    const float inv255 = 1.0f / 255.0f;
    if (ch == 1) {
        for (int k = 0; k < taps; k++) {
            GLOBAL const gp_u8* p = s + GP_MIN(f + k, inW - 1);
            acc0 = GP_ADD(acc0, GP_MUL(w[k], (float) p[0]));
        }
    } else if (ch == 2) {
        for (int k = 0; k < taps; k++) {
            GLOBAL const gp_u8* p = s + GP_MIN(f + k, inW - 1) * 2;
            float wk = w[k], av = (float) p[1];
            acc0 = GP_ADD(acc0, GP_MUL(wk, GP_MUL(GP_MUL((float) p[0], av), inv255)));
            acc1 = GP_ADD(acc1, GP_MUL(wk, av));
        }
    } else if (ch == 3) {
        for (int k = 0; k < taps; k++) {
            GLOBAL const gp_u8* p = s + GP_MIN(f + k, inW - 1) * 3;
            float wk = w[k];
            acc0 = GP_ADD(acc0, GP_MUL(wk, (float) p[0]));
            acc1 = GP_ADD(acc1, GP_MUL(wk, (float) p[1]));
            acc2 = GP_ADD(acc2, GP_MUL(wk, (float) p[2]));
        }
    } else {
        for (int k = 0; k < taps; k++) {
            GLOBAL const gp_u8* p = s + GP_MIN(f + k, inW - 1) * 4;
            float wk = w[k], av = (float) p[3];
            acc0 = GP_ADD(acc0, GP_MUL(wk, GP_MUL(GP_MUL((float) p[0], av), inv255)));
            acc1 = GP_ADD(acc1, GP_MUL(wk, GP_MUL(GP_MUL((float) p[1], av), inv255)));
            acc2 = GP_ADD(acc2, GP_MUL(wk, GP_MUL(GP_MUL((float) p[2], av), inv255)));
            acc3 = GP_ADD(acc3, GP_MUL(wk, av));
        }
    }
    GLOBAL float* m = mid + d[GP_D_MID] + lidx * ch;
    m[0] = acc0;
    if (ch > 1) m[1] = acc1;
    if (ch > 2) m[2] = acc2;
    if (ch > 3) m[3] = acc3;
}

/* Vertical pass: mid -> dst, un-premultiply, round and clamp. */
DEVICE_FN void gp_resize_v_body(int gid, int total, GLOBAL const float* mid, GLOBAL gp_u8* dst,
                                GLOBAL const int* meta, GLOBAL const float* wts, int nimg) {
    if (gid >= total) return;
    GLOBAL const int* d = meta + gp_find_image(meta, nimg, GP_D_VSTART, gid) * GP_DESC;
    int lidx = gid - d[GP_D_VSTART];
    int outW = d[GP_D_OUTW], inH = d[GP_D_INH], ch = d[GP_D_CH];
    int j = lidx / outW, i = lidx - j * outW;
    int taps = d[GP_D_YTAPS];
    int f = meta[d[GP_D_YFIRST] + j];
    GLOBAL const float* w = wts + d[GP_D_YW] + j * taps;
    GLOBAL const float* m = mid + d[GP_D_MID] + i * ch;
    int stride = outW * ch;
    float acc0 = 0.0f, acc1 = 0.0f, acc2 = 0.0f, acc3 = 0.0f;
    for (int k = 0; k < taps; k++) {
        GLOBAL const float* p = m + GP_MIN(f + k, inH - 1) * stride;
        float wk = w[k];
        acc0 = GP_ADD(acc0, GP_MUL(wk, p[0]));
        if (ch > 1) acc1 = GP_ADD(acc1, GP_MUL(wk, p[1]));
        if (ch > 2) acc2 = GP_ADD(acc2, GP_MUL(wk, p[2]));
        if (ch > 3) acc3 = GP_ADD(acc3, GP_MUL(wk, p[3]));
    }
    GLOBAL gp_u8* o = dst + d[GP_D_DST] + lidx * ch;
    if (ch == 1) {
        o[0] = gp_to_u8(acc0);
    } else if (ch == 2) {
        o[0] = gp_to_u8(acc1 > 0.0f ? GP_DIV(GP_MUL(acc0, 255.0f), acc1) : 0.0f);
        o[1] = gp_to_u8(acc1);
    } else if (ch == 3) {
        o[0] = gp_to_u8(acc0);
        o[1] = gp_to_u8(acc1);
        o[2] = gp_to_u8(acc2);
    } else {
        o[0] = gp_to_u8(acc3 > 0.0f ? GP_DIV(GP_MUL(acc0, 255.0f), acc3) : 0.0f);
        o[1] = gp_to_u8(acc3 > 0.0f ? GP_DIV(GP_MUL(acc1, 255.0f), acc3) : 0.0f);
        o[2] = gp_to_u8(acc3 > 0.0f ? GP_DIV(GP_MUL(acc2, 255.0f), acc3) : 0.0f);
        o[3] = gp_to_u8(acc3);
    }
}

/*
 * Unsharp mask after the resize (--sharpen). The definition is dev.gpupool.image.Sharpen, whose float
 * operations this repeats in the same order: per colour channel, blur = sum over dy of w[|dy|] *
 * (sum over dx of w[|dx|] * in(x + dx, y + dy)), coordinates clamped; d = in - blur; out = in when
 * |d| < threshold, else in + amount * d rounded and clamped. Alpha (the last channel of 2 or 4) is copied.
 * One work item per output pixel of the batch (total = the vertical pass's); src is the vertical pass's
 * dst, dst a second buffer of the same layout. Each image's parameters are GP_SP floats at
 * sp[img * GP_SP]: radius (0: copy the image), amount, threshold, unused, then w[0..radius].
 */
#define GP_S_RADIUS     0
#define GP_S_AMOUNT     1
#define GP_S_THRESHOLD  2
#define GP_S_W          4
#define GP_SP          36  /* 4 + 32 weights: radius <= 31 (Sharpen.MAX_RADIUS is 30) */

DEVICE_FN void gp_sharpen_body(int gid, int total, GLOBAL const gp_u8* src, GLOBAL gp_u8* dst,
                               GLOBAL const int* meta, GLOBAL const float* sp, int nimg) {
    if (gid >= total) return;
    int img = gp_find_image(meta, nimg, GP_D_VSTART, gid);
    GLOBAL const int* d = meta + img * GP_DESC;
    GLOBAL const float* p = sp + img * GP_SP;
    int lidx = gid - d[GP_D_VSTART];
    int w = d[GP_D_OUTW], h = d[GP_D_OUTH], ch = d[GP_D_CH];
    int y = lidx / w, x = lidx - y * w;
    GLOBAL const gp_u8* s = src + d[GP_D_DST];
    GLOBAL gp_u8* o = dst + d[GP_D_DST] + lidx * ch;
    int r = (int) p[GP_S_RADIUS];
    float amount = p[GP_S_AMOUNT], threshold = p[GP_S_THRESHOLD];
    int colours = (ch == 2 || ch == 4) ? ch - 1 : ch;
    for (int c = 0; c < ch; c++) {
        gp_u8 in = s[lidx * ch + c];
        if (c >= colours || r <= 0) { o[c] = in; continue; }
        float blur = 0.0f;
        for (int dy = -r; dy <= r; dy++) {
            int yy = y + dy;
            yy = yy < 0 ? 0 : (yy > h - 1 ? h - 1 : yy);
            GLOBAL const gp_u8* row = s + yy * w * ch + c;
            float a = 0.0f;
            for (int dx = -r; dx <= r; dx++) {
                int xx = x + dx;
                xx = xx < 0 ? 0 : (xx > w - 1 ? w - 1 : xx);
                a = GP_ADD(a, GP_MUL(p[GP_S_W + (dx < 0 ? -dx : dx)], (float) row[xx * ch]));
            }
            blur = GP_ADD(blur, GP_MUL(p[GP_S_W + (dy < 0 ? -dy : dy)], a));
        }
        float v = (float) in;
        float diff = GP_ADD(v, -blur);
        float mag = diff < 0.0f ? -diff : diff;
        o[c] = mag < threshold ? in : gp_to_u8(GP_ADD(v, GP_MUL(amount, diff)));
    }
}

/*
 * EXIF orientation (TIFF tag 0x0112, 1..8): the upright image of a stored w x h image with ch
 * interleaved 8-bit channels (row-major, no padding). One work item per SOURCE pixel (total = w * h);
 * it writes that pixel (all channels) to its place in dst, which is w x h, or h x w when the
 * orientation transposes (5..8). The definition is dev.gpupool.codec.Orientation.apply: output (x, y)
 * is the stored pixel 2 (W-1-x, y); 3 (W-1-x, H-1-y); 4 (x, H-1-y); 5 (y, x); 6 (y, H-1-x);
 * 7 (W-1-y, H-1-x); 8 (W-1-y, x); this is its inverse. 1, or anything outside 1..8, copies.
 * Indices are ints: w * h * ch must stay below 2^31.
 */
DEVICE_FN void gp_orient_body(int gid, int total, GLOBAL const gp_u8* src, GLOBAL gp_u8* dst,
                              int w, int h, int ch, int orientation) {
    if (gid >= total) return;
    int sy = gid / w, sx = gid - sy * w;
    int x, y, ow;
    switch (orientation) {
        case 2: x = w - 1 - sx; y = sy;         ow = w; break;
        case 3: x = w - 1 - sx; y = h - 1 - sy; ow = w; break;
        case 4: x = sx;         y = h - 1 - sy; ow = w; break;
        case 5: x = sy;         y = sx;         ow = h; break;
        case 6: x = h - 1 - sy; y = sx;         ow = h; break;
        case 7: x = h - 1 - sy; y = w - 1 - sx; ow = h; break;
        case 8: x = sy;         y = w - 1 - sx; ow = h; break;
        default: x = sx;        y = sy;         ow = w; break;
    }
    GLOBAL const gp_u8* s = src + gid * ch;
    GLOBAL gp_u8* d = dst + (y * ow + x) * ch;
    for (int c = 0; c < ch; c++) d[c] = s[c];
}

#endif /* GP_RESIZE_BODY_H */
