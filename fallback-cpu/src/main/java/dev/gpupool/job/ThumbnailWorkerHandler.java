package dev.gpupool.job;

import dev.gpupool.cpu.WorkerHandler;

/**
 * The worker-process side of the {@code cpu} backend: a serialised {@link ThumbnailRequest} in, the
 * whole job done in the worker (read, decode, resize, encode, write), a serialised
 * {@link ThumbnailResult} out. Pixels never cross the pipe.
 */
public final class ThumbnailWorkerHandler implements WorkerHandler {
    @Override
    public byte[] handle(byte[] request) throws Exception {
        return ThumbnailJob.run(ThumbnailRequest.fromBytes(request)).toBytes();
    }
}
