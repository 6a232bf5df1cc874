package dev.gpupool.image;

/**
 * Where an image of {@code srcWidth x srcHeight} lands in a bounding box: the output size and the
 * window of the source that is resampled into it (the whole image, or for {@link Fit#COVER} the
 * centred crop). Computed on the image's full size (after orientation), then applied to whatever
 * size the decoder actually produced (a JPEG decoded at 1/2, 1/4, 1/8 scale) through
 * {@link #weightsX} and {@link #weightsY}, so shrink-on-load does not change the geometry.
 */
public record FitPlan(int srcWidth, int srcHeight, int outWidth, int outHeight,
                      double cropX, double cropY, double cropWidth, double cropHeight) {

    /**
     * The plan for fitting {@code srcWidth x srcHeight} into {@code boxWidth x boxHeight}.
     *
     * <p>One side of the box may be 0, "free" ({@code 256x}, {@code x256}): only the other side is
     * bounded, and every fit then behaves as {@link Fit#CONTAIN} (scaled to that side, aspect kept):
     * with nothing to crop or stretch against, cover and fill have no other meaning. This is what
     * vipsthumbnail's {@code --size 256x} gives without a crop (the free side is an unbounded box,
     * VIPS_MAX_COORD); rather than refusing {@code --fit cover -s 256x}, we make it contain.
     *
     * @param upscale when false, the output is never larger than the source in either dimension
     * @throws OutputTooLargeException the output would have more than {@link #MAX_OUTPUT_PIXELS} pixels
     */
    public static FitPlan of(int srcWidth, int srcHeight, int boxWidth, int boxHeight, Fit fit, boolean upscale) {
        FitPlan p = plan(srcWidth, srcHeight, boxWidth, boxHeight, fit, upscale);
        if ((long) p.outWidth * p.outHeight > MAX_OUTPUT_PIXELS) {
            throw new OutputTooLargeException(p.outWidth, p.outHeight, MAX_OUTPUT_PIXELS, "the most one 4-channel buffer holds");
        }
        return p;
    }

    /**
     * The most pixels an output may have whatever the options: a 4-channel 8-bit buffer of them fits one
     * Java array. (Only {@code --upscale} reaches it: without, an output is never larger than its input.)
     */
    public static final long MAX_OUTPUT_PIXELS = (Integer.MAX_VALUE - 16L) / 4;

    private static FitPlan plan(int srcWidth, int srcHeight, int boxWidth, int boxHeight, Fit fit, boolean upscale) {
        if (srcWidth < 1 || srcHeight < 1 || boxWidth < 0 || boxHeight < 0 || (boxWidth == 0 && boxHeight == 0)) {
            throw new IllegalArgumentException("sizes must be positive (one side of the box may be 0, free): "
                    + srcWidth + "x" + srcHeight + " into " + boxWidth + "x" + boxHeight);
        }
        if (boxWidth == 0 || boxHeight == 0) {
            double s = boxWidth == 0 ? (double) boxHeight / srcHeight : (double) boxWidth / srcWidth;
            if (!upscale) s = Math.min(s, 1.0);
            int w = boxWidth == 0 ? clampRound(srcWidth * s, 65535) : clampRound(srcWidth * s, boxWidth);
            int h = boxHeight == 0 ? clampRound(srcHeight * s, 65535) : clampRound(srcHeight * s, boxHeight);
            return new FitPlan(srcWidth, srcHeight, w, h, 0, 0, srcWidth, srcHeight);
        }
        double sx = (double) boxWidth / srcWidth, sy = (double) boxHeight / srcHeight;
        switch (fit) {
            case CONTAIN -> {
                double s = Math.min(sx, sy);
                if (!upscale) s = Math.min(s, 1.0);
                int w = clampRound(srcWidth * s, boxWidth);
                int h = clampRound(srcHeight * s, boxHeight);
                return new FitPlan(srcWidth, srcHeight, w, h, 0, 0, srcWidth, srcHeight);
            }
            case COVER -> {
                double s = Math.max(sx, sy);
                if (!upscale) s = Math.min(s, 1.0);
                int w = Math.min(boxWidth, clampRound(srcWidth * s, Integer.MAX_VALUE));
                int h = Math.min(boxHeight, clampRound(srcHeight * s, Integer.MAX_VALUE));
                double cw = Math.min(srcWidth, w / s), ch = Math.min(srcHeight, h / s);
                return new FitPlan(srcWidth, srcHeight, w, h, (srcWidth - cw) / 2, (srcHeight - ch) / 2, cw, ch);
            }
            case FILL -> {
                int w = upscale ? boxWidth : Math.min(boxWidth, srcWidth);
                int h = upscale ? boxHeight : Math.min(boxHeight, srcHeight);
                return new FitPlan(srcWidth, srcHeight, w, h, 0, 0, srcWidth, srcHeight);
            }
        }
        throw new AssertionError(fit);
    }

    private static int clampRound(double v, int max) {
        return (int) Math.max(1, Math.min(max, Math.round(v)));
    }

    /** Horizontal weights for a decoded image {@code decodedWidth} wide, its scale taken as {@code decodedWidth / srcWidth}. */
    public ResampleWeights weightsX(Filter filter, int decodedWidth) {
        return weightsX(filter, decodedWidth, (double) decodedWidth / srcWidth);
    }

    /** Vertical weights for a decoded image {@code decodedHeight} tall, its scale taken as {@code decodedHeight / srcHeight}. */
    public ResampleWeights weightsY(Filter filter, int decodedHeight) {
        return weightsY(filter, decodedHeight, (double) decodedHeight / srcHeight);
    }

    /**
     * Horizontal weights for a decoded image {@code decodedWidth} wide whose pixel {@code j} covers
     * {@code [j / scale, (j + 1) / scale)} of the full-size image: a JPEG decoded at M/8 has
     * {@code scale = M / 8} exactly, while its width is rounded up.
     */
    public ResampleWeights weightsX(Filter filter, int decodedWidth, double scale) {
        double start = cropX * scale;
        return ResampleWeights.compute(filter, decodedWidth, outWidth, start, Math.min(cropWidth * scale, decodedWidth - start));
    }

    /** Vertical weights; see {@link #weightsX(Filter, int, double)}. */
    public ResampleWeights weightsY(Filter filter, int decodedHeight, double scale) {
        double start = cropY * scale;
        return ResampleWeights.compute(filter, decodedHeight, outHeight, start, Math.min(cropHeight * scale, decodedHeight - start));
    }

    /**
     * The scale of a decoded image relative to its full size: M/8 when the decoded size is exactly
     * what DCT scaling by M/8 gives ({@code ceil(full * M / 8)} on both axes), else the size ratio.
     */
    public static double decodeScale(int fullWidth, int fullHeight, int decodedWidth, int decodedHeight) {
        if (decodedWidth == fullWidth && decodedHeight == fullHeight) return 1.0;
        for (int m = 1; m < 8; m++) {
            if ((fullWidth * (long) m + 7) / 8 == decodedWidth && (fullHeight * (long) m + 7) / 8 == decodedHeight) return m / 8.0;
        }
        return (double) decodedWidth / fullWidth;
    }
}
