package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;

import java.util.List;

/**
 * A decoded image.
 *
 * @param pixels     the pixels, upright (orientation applied when asked), sRGB; possibly shrunk on load
 * @param fullWidth  the image's width at full size, upright
 * @param fullHeight the image's height at full size, upright
 * @param format     the format detected from the content: {@code jpeg}, {@code png}, {@code gif}, ...
 * @param warnings   what was tolerated (lenient decoding), empty when nothing was
 */
public record Decoded(PixelBuffer pixels, int fullWidth, int fullHeight, String format, List<String> warnings) {
}
