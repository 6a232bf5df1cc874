package dev.gpupool.job;

/**
 * A bounding box, {@code width x height} pixels; one side may be 0, meaning "free": {@code 256x}
 * (width 256, any height) is {@code BoxSize(256, 0)}, {@code x256} (height 256, any width) is
 * {@code BoxSize(0, 256)}. A box with a free side bounds the other side only, whatever the fit
 * ({@link dev.gpupool.image.FitPlan#of}).
 */
public record BoxSize(int width, int height) {
    public BoxSize {
        if (width < 0 || height < 0 || width > 65535 || height > 65535 || (width == 0 && height == 0)) {
            throw new IllegalArgumentException("size must be 1..65535 pixels a side (one side may be left free), not "
                    + width + "x" + height);
        }
    }

    /** Whether one side is free ({@code 256x} or {@code x256}). */
    public boolean oneSided() {
        return width == 0 || height == 0;
    }

    /** Parses {@code N} (a square box), {@code WxH}, {@code Wx} (width only) or {@code xH} (height only). */
    public static BoxSize parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            int x = t.indexOf('x');
            if (x < 0) {
                int n = side(t);
                return new BoxSize(n, n);
            }
            String w = t.substring(0, x), h = t.substring(x + 1);
            if (w.isEmpty() && h.isEmpty()) throw new NumberFormatException();
            return new BoxSize(w.isEmpty() ? 0 : side(w), h.isEmpty() ? 0 : side(h));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad size '" + s + "' (expected N, WxH, Wx or xH with sides 1..65535, "
                    + "e.g. 256, 320x240, 256x or x256)");
        }
    }

    /** A side as written: 1..65535 digits only (no sign, no 0: "0x256" is not "x256"). */
    private static int side(String t) {
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) throw new NumberFormatException(t);
        int n = Integer.parseInt(t);
        if (n < 1) throw new NumberFormatException(t);
        return n;
    }

    /**
     * As the command line writes it, and as output names and reports show it: {@code 256}, {@code 320x240},
     * {@code 256x}, {@code x256} (so {@code -s 128x,x128} names its outputs {@code NAME_128x.jpg} and
     * {@code NAME_x128.jpg}).
     */
    @Override
    public String toString() {
        if (width == 0) return "x" + height;
        if (height == 0) return width + "x";
        return width == height ? Integer.toString(width) : width + "x" + height;
    }
}
