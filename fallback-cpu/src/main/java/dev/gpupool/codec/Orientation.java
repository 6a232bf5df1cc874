package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;

/**
 * Applies an EXIF orientation (TIFF tag 0x0112, values 1..8) to pixels, producing the upright image. Public
 * for the device backends, whose {@code gp_orient} kernel must equal {@link #apply} and whose plans need
 * {@link #transposes}.
 */
public final class Orientation {
    private Orientation() {
    }

    /** True when {@code orientation} swaps width and height (5..8). */
    public static boolean transposes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * The upright image. With the stored image {@code W x H}, the output pixel (x, y) is the stored
     * pixel: 2 (W-1-x, y); 3 (W-1-x, H-1-y); 4 (x, H-1-y); 5 (y, x); 6 (y, H-1-x); 7 (W-1-y, H-1-x);
     * 8 (W-1-y, x). Orientation 1 (or anything outside 1..8) returns {@code px} itself.
     */
    public static PixelBuffer apply(PixelBuffer px, int orientation) {
        if (orientation <= 1 || orientation > 8) return px;
        int w = px.width(), h = px.height(), ch = px.channels();
        boolean t = transposes(orientation);
        int ow = t ? h : w, oh = t ? w : h;
        byte[] s = px.data(), d = new byte[s.length];
        // Source index = base + x * dx + y * dy, in samples, for output (x, y).
        int row = w * ch;
        int base, dx, dy;
        switch (orientation) {
            case 2 -> { base = (w - 1) * ch; dx = -ch; dy = row; }
            case 3 -> { base = (h - 1) * row + (w - 1) * ch; dx = -ch; dy = -row; }
            case 4 -> { base = (h - 1) * row; dx = ch; dy = -row; }
            case 5 -> { base = 0; dx = row; dy = ch; }
            case 6 -> { base = (h - 1) * row; dx = -row; dy = ch; }
            case 7 -> { base = (h - 1) * row + (w - 1) * ch; dx = -row; dy = -ch; }
            default -> { base = (w - 1) * ch; dx = row; dy = -ch; } // 8
        }
        int o = 0;
        for (int y = 0; y < oh; y++) {
            int si = base + y * dy;
            if (ch == 1) {
                for (int x = 0; x < ow; x++, si += dx) d[o++] = s[si];
            } else if (ch == 3) {
                for (int x = 0; x < ow; x++, si += dx) { d[o++] = s[si]; d[o++] = s[si + 1]; d[o++] = s[si + 2]; }
            } else {
                for (int x = 0; x < ow; x++, si += dx) for (int c = 0; c < ch; c++) d[o++] = s[si + c];
            }
        }
        return new PixelBuffer(ow, oh, ch, d);
    }
}
