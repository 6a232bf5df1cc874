package dev.gpupool.job;

import dev.gpupool.cpu.WorkerHandler;

/**
 * The worker-process side of the {@code cpu} backend: a serialised {@link ThumbnailRequest} in, the
 * whole job done in the worker (read, decode, resize, encode, write), a serialised
 * {@link ThumbnailResult} out. Pixels never cross the pipe.
 */
public final class ThumbnailWorkerHandler implements WorkerHandler {
    /**
     * Test-only fault injection: a worker started with {@code -Dgpupool.test.crashOn=TEXT} dies at once
     * (as a native decoder crash would) on every input whose name contains TEXT. The {@code cpu}
     * engine passes the property on to its workers when the pool's JVM has it.
     */
    public static final String CRASH_ON = "gpupool.test.crashOn";
    private static final String crashOn = System.getProperty(CRASH_ON);

    @Override
    public byte[] handle(byte[] request) throws Exception {
        ThumbnailRequest r = ThumbnailRequest.fromBytes(request);
        if (crashOn != null && !crashOn.isEmpty() && r.input().contains(crashOn)) Runtime.getRuntime().halt(134);
        return ThumbnailJob.run(r).toBytes();
    }

    /** The codec libraries and the resize, bound and initialised before the first image arrives. */
    @Override
    public void warmUp() throws java.io.IOException {
        ThumbnailJob.warmUp();
    }
}
