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

    /**
     * A new file for one fetched body to be written straight into, when this engine's workers read
     * files rather than bytes in this process ({@code cpu}: a body in memory would be written to such a
     * file anyway); null (the default): bodies stay in memory. A request naming the file is then
     * submitted, and the engine deletes the file when that image is done; whoever got the file and
     * does not submit it hands it back with {@link #discard}.
     */
    default java.nio.file.Path bodyFile() {
        return null;
    }

    /** Takes back a {@link #bodyFile} that was not submitted (its fetch failed): deletes it, if it exists. */
    default void discard(java.nio.file.Path bodyFile) {
        try {
            java.nio.file.Files.deleteIfExists(bodyFile);
        } catch (java.io.IOException ignored) {
            // a leftover in a spool folder goes with the next start's clean-up
        }
    }

    /** Runs one job; the future fails with the one-line reason when the image cannot be done. */
    CompletableFuture<Done> submit(ThumbnailRequest request);

    /**
     * Runs one job within a time limit ({@code null}: none): past it the future fails with a {@link
     * java.util.concurrent.TimeoutException} whose message says so. The CPU engines count from when
     * a worker takes the image and stop the work (a {@code cpu} worker process is killed and
     * replaced, a {@code cpu-threads} thread interrupted); by default the limit counts from now and
     * the engine's work goes on to its end, its result unused.
     */
    default CompletableFuture<Done> submit(ThumbnailRequest request, java.time.Duration timeout) {
        CompletableFuture<Done> f = submit(request);
        if (timeout == null) return f;
        CompletableFuture<Done> limited = new CompletableFuture<>();
        f.whenComplete((d, e) -> {
            if (e != null) limited.completeExceptionally(e);
            else limited.complete(d);
        });
        return limited.orTimeout(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS).exceptionallyCompose(e ->
                CompletableFuture.failedFuture(e instanceof java.util.concurrent.TimeoutException && e.getMessage() == null
                        ? new java.util.concurrent.TimeoutException("took longer than the time limit of " + seconds(timeout)) : e));
    }

    /** {@code 60 s}, {@code 1.5 s}: a time limit as reasons give it. */
    static String seconds(java.time.Duration d) {
        long ms = d.toMillis();
        return (ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0)) + " s";
    }

    @Override
    void close();

    /** As {@link BackendRuntime#shutdown}: stops within {@code grace}, failing what it stops with {@code reason}. Default: {@link #close()}. */
    default void shutdown(java.time.Duration grace, String reason) {
        close();
    }
}
