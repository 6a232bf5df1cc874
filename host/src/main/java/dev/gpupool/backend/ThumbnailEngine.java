package dev.gpupool.backend;

import dev.gpupool.Backend;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;

import java.util.concurrent.CompletableFuture;

/**
 * Where the images of a batch are processed: the pool's backend as seen by the batch runner. One
 * engine per pool, made on first use and closed with the pool.
 */
public interface ThumbnailEngine extends AutoCloseable {
    /**
     * The outcome of one job, and where it really ran (a device may hand an image back to the CPU);
     * {@code where} names the codec or device of each stage, null when the engine does not say.
     */
    record Done(ThumbnailResult result, Backend ranOn, Where where) {
        public Done(ThumbnailResult result, Backend ranOn) {
            this(result, ranOn, null);
        }
    }

    /**
     * Where one image's stages ran, as the report's per-item {@code ran} says: for example
     * {@code nvjpeg-hardware}, {@code cuda}, {@code nvjpeg-cuda} for a JPEG done wholly on the GPU, or
     * {@code libjpeg-turbo}, {@code cpu}, {@code libjpeg-turbo} for one done on the CPU.
     *
     * @param decode the decoder: {@code nvjpeg-hardware}, {@code nvjpeg-cuda}, {@code libjpeg-turbo}, {@code imageio}
     * @param resize the device or CPU backend that resized ({@code cuda}, {@code opencl}, {@code cpu}, ...)
     * @param encode the encoder of the (first) output: {@code nvjpeg-cuda}, {@code libjpeg-turbo}, {@code imageio},
     *               {@code libwebp}, {@code libavif}
     */
    record Where(String decode, String resize, String encode) {
    }

    /** Runs one job; the future fails with the one-line reason when the image cannot be done. */
    CompletableFuture<Done> submit(ThumbnailRequest request);

    @Override
    void close();
}
