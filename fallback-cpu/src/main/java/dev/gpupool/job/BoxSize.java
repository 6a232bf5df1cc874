package dev.gpupool.job;

/** A bounding box, {@code width x height} pixels. */
public record BoxSize(int width, int height) {
    public BoxSize {
        if (width < 1 || height < 1 || width > 65535 || height > 65535) {
            throw new IllegalArgumentException("size must be 1..65535 pixels a side, not " + width + "x" + height);
        }
    }

    /** Parses {@code N} (a square box) or {@code WxH}. */
    public static BoxSize parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            int x = t.indexOf('x');
            if (x < 0) {
                int n = Integer.parseInt(t);
                return new BoxSize(n, n);
            }
            return new BoxSize(Integer.parseInt(t.substring(0, x)), Integer.parseInt(t.substring(x + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size '" + s + "' (expected N or WxH, e.g. 256 or 320x240)");
        }
    }

    @Override
    public String toString() {
        return width == height ? Integer.toString(width) : width + "x" + height;
    }
}
