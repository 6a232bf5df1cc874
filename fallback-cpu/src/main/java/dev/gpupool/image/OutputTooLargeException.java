package dev.gpupool.image;

/**
 * A requested output has more pixels than may be made (with {@code --upscale}, a large box such as
 * {@code -s 40000} asks for more than a pixel buffer holds, or more than {@code --max-pixels}); its
 * message is the one-line reason a batch reports.
 */
public final class OutputTooLargeException extends IllegalArgumentException {
    private final int width, height;

    public OutputTooLargeException(int width, int height, long limit, String what) {
        super("output " + width + "x" + height + " would be " + (long) width * height + " pixels, over the limit of "
                + limit + " (" + what + "): give a smaller size");
        this.width = width;
        this.height = height;
    }

    /** The output's width that was asked for. */
    public int width() {
        return width;
    }

    /** The output's height that was asked for. */
    public int height() {
        return height;
    }
}
