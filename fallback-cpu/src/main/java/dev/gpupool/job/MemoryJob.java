package dev.gpupool.job;

import dev.gpupool.codec.Decoded;
import dev.gpupool.codec.ImageDecodeException;
import dev.gpupool.codec.MemoryBudget;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One image's thumbnail job in memory: bytes in, one encoded image per size out, nothing read or written
 * on disk. The same steps as a batch's {@link ThumbnailJob} (decode shrunk on load, plan, resize, encode),
 * so the bytes equal the files a batch writes for the same spec and resize; the resize is the caller's
 * (the pool's backend: a device, or the CPU reference).
 */
public final class MemoryJob {
    private MemoryJob() {
    }

    /** One resize, as a backend does it. */
    @FunctionalInterface
    public interface Resize {
        PixelBuffer resize(PixelBuffer src, ResampleWeights x, ResampleWeights y);
    }

    /**
     * One size's encoded output.
     *
     * @param box    the bounding box it was fitted into
     * @param format the format it is encoded in
     * @param width  its width in pixels
     * @param height its height in pixels
     * @param bytes  the encoded image
     */
    public record Output(BoxSize box, OutputFormat format, int width, int height, byte[] bytes) {
    }

    /**
     * What one image gave.
     *
     * @param inputFormat the input's format detected from its content ({@code jpeg}, {@code png}, ...)
     * @param inputWidth  its full width, upright
     * @param inputHeight its full height, upright
     * @param outputs     one per size of the spec, in its order
     * @param warnings    what lenient decoding tolerated
     */
    public record Result(String inputFormat, int inputWidth, int inputHeight, List<Output> outputs, List<String> warnings) {
        public Result {
            outputs = List.copyOf(outputs);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Thumbnails {@code bytes} into every size of {@code spec}.
     *
     * @param formats one format per size, or null for the spec's ({@link ThumbnailSpec#formatFor} the input's format)
     * @throws ImageDecodeException the image cannot be done (the one-line reason is its message)
     * @throws IOException          an encoder failed
     */
    public static Result render(byte[] bytes, ThumbnailSpec spec, List<OutputFormat> formats, Resize resize) throws IOException {
        if (formats != null && formats.size() != spec.sizes().size()) throw new IllegalArgumentException("one format per size is needed");
        try (MemoryBudget.Scope scope = MemoryBudget.enter()) {
            Decoded decoded = ThumbnailJob.decode(bytes, spec);
            List<ResizePlan> plans = ThumbnailJob.plan(decoded, spec);
            List<Output> out = new ArrayList<>(plans.size());
            for (int i = 0; i < plans.size(); i++) {
                ResizePlan p = plans.get(i);
                // The unsharp mask runs here, on the CPU, whatever backend resized (the Resize interface carries no spec).
                PixelBuffer px = dev.gpupool.image.Sharpen.apply(spec.sharpen(), resize.resize(decoded.pixels(), p.x(), p.y()));
                OutputFormat f = formats != null ? formats.get(i) : spec.formatFor(decoded.format());
                out.add(new Output(p.box(), f, px.width(), px.height(), ThumbnailJob.encode(px, f, spec, decoded.metadata())));
            }
            return new Result(decoded.format(), decoded.fullWidth(), decoded.fullHeight(), out, decoded.warnings());
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("not enough memory for this image (raise the heap with JAVA_OPTS=-Xmx...)", e);
        }
    }
}
