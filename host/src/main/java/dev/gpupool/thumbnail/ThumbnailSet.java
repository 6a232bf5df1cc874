package dev.gpupool.thumbnail;

import java.util.List;

/**
 * Every size of one image, in memory ({@link Thumbnailer#thumbnail(byte[])}).
 *
 * @param inputFormat the input's format detected from its content ({@code jpeg}, {@code png}, {@code gif},
 *                    {@code webp}, ...)
 * @param inputWidth  the input's full width in pixels, upright (after the EXIF orientation when it is applied)
 * @param inputHeight its full height, upright
 * @param thumbnails  one per size, in the order the sizes were given
 * @param warnings    what lenient decoding tolerated (empty unless {@link Thumbnailer#lenient(boolean)})
 */
public record ThumbnailSet(String inputFormat, int inputWidth, int inputHeight, List<Thumbnail> thumbnails,
                           List<String> warnings) {
    public ThumbnailSet {
        thumbnails = List.copyOf(thumbnails);
        warnings = List.copyOf(warnings);
    }

    /** The first size's thumbnail. */
    public Thumbnail first() {
        return thumbnails.getFirst();
    }

    /** The thumbnail of the {@code i}th size. */
    public Thumbnail get(int i) {
        return thumbnails.get(i);
    }
}
