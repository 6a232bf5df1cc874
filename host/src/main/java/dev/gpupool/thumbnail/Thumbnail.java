package dev.gpupool.thumbnail;

/**
 * One size of one image, encoded, in memory ({@link Thumbnailer#thumbnail(byte[])}). The array is the
 * caller's to keep; it is not copied (and {@code equals} compares it by identity, as records do).
 *
 * @param size   the bounding box as the command line writes it ({@code 128}, {@code 320x240})
 * @param width  the thumbnail's width in pixels
 * @param height its height in pixels
 * @param format the format {@code bytes} are encoded in (never {@link Format#SAME})
 * @param bytes  the encoded image, as a batch would have written it to a file
 */
public record Thumbnail(String size, int width, int height, Format format, byte[] bytes) {
}
