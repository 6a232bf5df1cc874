package dev.gpupool.spark;

import dev.gpupool.Pool;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.job.MemoryJob;
import dev.gpupool.job.ThumbnailSpec;

import java.io.IOException;
import java.util.List;

/**
 * One image in memory, the way the CLI's job does it ({@link MemoryJob}: decode shrunk on load, plan,
 * resize, encode), so the bytes match the CLI's; the resize is the pool's backend's (its device, or the
 * CPU reference), as {@link dev.gpupool.thumbnail.Thumbnailer#thumbnail(byte[])} does it.
 */
final class Render {
    private Render() {
    }

    /** @param formats one output format per size (from the output names' extensions); null: the spec's, for the input's format */
    static MemoryJob.Result render(byte[] bytes, ThumbnailSpec spec, List<OutputFormat> formats, Pool pool) throws IOException {
        return MemoryJob.render(bytes, spec, formats, pool.runtime()::resize);
    }
}
