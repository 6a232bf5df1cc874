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
     * @param upscale when false, the output is never larger than the source in either dimension
     */
    public static FitPlan of(int srcWidth, int srcHeight, int boxWidth, int boxHeight, Fit fit, boolean upscale) {
        if (srcWidth < 1 || srcHeight < 1 || boxWidth < 1 || boxHeight < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + srcWidth + "x" + srcHeight + " into " + boxWidth + "x" + boxHeight);
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

    /** Horizontal weights for a decoded image {@code decodedWidth} wide (the full width, or a DCT-scaled one). */
    public ResampleWeights weightsX(Filter filter, int decodedWidth) {
        double k = (double) decodedWidth / srcWidth;
        return ResampleWeights.compute(filter, decodedWidth, outWidth, cropX * k, Math.min(cropWidth * k, decodedWidth - cropX * k));
    }

    /** Vertical weights for a decoded image {@code decodedHeight} tall. */
    public ResampleWeights weightsY(Filter filter, int decodedHeight) {
        double k = (double) decodedHeight / srcHeight;
        return ResampleWeights.compute(filter, decodedHeight, outHeight, cropY * k, Math.min(cropHeight * k, decodedHeight - cropY * k));
    }
}
