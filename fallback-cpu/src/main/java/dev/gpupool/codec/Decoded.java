package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;

import java.util.List;

/**
 * A decoded image.
 *
 * @param pixels     the pixels, upright (orientation applied when asked), sRGB (or in {@code metadata.icc()}
 *                   when that is not null); possibly shrunk on load
 * @param fullWidth  the image's width at full size, upright
 * @param fullHeight the image's height at full size, upright
 * @param format     the format detected from the content: {@code jpeg}, {@code png}, {@code gif}, ...
 * @param warnings   what was tolerated (lenient decoding), empty when nothing was
 * @param metadata   what the output keeps of the source's metadata ({@link ImageMetadata#NONE} unless
 *                   {@link DecodeOptions#keepMetadata()} or {@link DecodeOptions#keepIcc()} asked)
 */
public record Decoded(PixelBuffer pixels, int fullWidth, int fullHeight, String format, List<String> warnings,
                      ImageMetadata metadata) {
    public Decoded {
        if (metadata == null) metadata = ImageMetadata.NONE;
    }

    /** Without metadata. */
    public Decoded(PixelBuffer pixels, int fullWidth, int fullHeight, String format, List<String> warnings) {
        this(pixels, fullWidth, fullHeight, format, warnings, ImageMetadata.NONE);
    }
}
