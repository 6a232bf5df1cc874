package dev.gpupool.image;

import java.util.Objects;

/**
 * An image as interleaved 8-bit sRGB samples, rows top to bottom, no padding between rows.
 *
 * <p>{@code channels} is 1 (grey), 2 (grey, alpha), 3 (R, G, B) or 4 (R, G, B, A). Alpha is straight
 * (not premultiplied); the resampler premultiplies internally. The buffer owns {@code data}: whoever
 * hands a {@code PixelBuffer} on gives up writing to its array.
 *
 * @param width    pixels per row, at least 1
 * @param height   rows, at least 1
 * @param channels samples per pixel, 1 to 4
 * @param data     {@code width * height * channels} samples
 */
public record PixelBuffer(int width, int height, int channels, byte[] data) {

    public PixelBuffer {
        if (width < 1 || height < 1) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (channels < 1 || channels > 4) throw new IllegalArgumentException("channels must be 1..4, not " + channels);
        Objects.requireNonNull(data, "data");
        if ((long) width * height * channels != data.length) {
            throw new IllegalArgumentException("data holds " + data.length + " samples, " + width + "x" + height
                    + "x" + channels + " needs " + (long) width * height * channels);
        }
    }

    /** A new zero-filled (black, transparent) buffer. */
    public static PixelBuffer allocate(int width, int height, int channels) {
        long n = (long) width * height * channels;
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("image too large for one buffer: " + width + "x" + height);
        return new PixelBuffer(width, height, channels, new byte[(int) n]);
    }

    /** True for 2 and 4 channels. */
    public boolean hasAlpha() {
        return channels == 2 || channels == 4;
    }

    /** Number of pixels, {@code width * height}. */
    public long pixels() {
        return (long) width * height;
    }

    /** The sample at (x, y, c), 0..255. */
    public int sample(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xFF;
    }

    @Override
    public String toString() {
        return "PixelBuffer[" + width + "x" + height + "x" + channels + "]";
    }
}
