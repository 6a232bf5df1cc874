package dev.gpupool.spark;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.Decoded;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.job.ResizePlan;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.Thumbnailer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One image in memory, the way the CLI's job does it ({@link ThumbnailJob#decode}, {@link ThumbnailJob#plan},
 * resize, {@link Codecs#encode}), so the bytes match the CLI's: on a CPU pool the resize is the CPU
 * reference; on a device pool it goes through {@link Thumbnailer#resize(PixelBuffer)} on that pool.
 */
final class Render {
    /** The encoded outputs (one per size, in the spec's order), the first one's size, the decode warnings. */
    record Result(List<byte[]> outputs, int width, int height, List<String> warnings) {
    }

    private Render() {
    }

    /** @param formats one output format per size (from the output names' extensions); null: the spec's, for the input's format */
    static Result render(byte[] bytes, ThumbnailSpec spec, List<OutputFormat> formats, Pool pool) throws IOException {
        Decoded decoded = ThumbnailJob.decode(bytes, spec);
        List<ResizePlan> plans = ThumbnailJob.plan(decoded, spec);
        List<byte[]> out = new ArrayList<>(plans.size());
        int w = 0, h = 0;
        for (int i = 0; i < plans.size(); i++) {
            ResizePlan p = plans.get(i);
            PixelBuffer px = onCpu(pool.backend())
                    ? Resampler.resize(decoded.pixels(), p.x(), p.y())
                    : Thumbnailer.on(pool).sizes(List.of(p.box())).fit(spec.fit()).filter(spec.filter())
                            .upscale(spec.upscale()).resize(decoded.pixels());
            if (i == 0) {
                w = px.width();
                h = px.height();
            }
            OutputFormat f = formats != null ? formats.get(i) : spec.formatFor(decoded.format());
            out.add(Codecs.encode(px, new EncodeOptions(f, spec.quality(), spec.background())));
        }
        return new Result(out, w, h, decoded.warnings());
    }

    private static boolean onCpu(Backend b) {
        return b == Backend.CPU || b == Backend.CPU_THREADS;
    }
}
