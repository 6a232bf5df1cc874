package dev.gpupool.cpu;

/** Test handler whose constructor always throws: the pool must fail with that reason. */
public final class FailingConstructorHandler implements WorkerHandler {
    public FailingConstructorHandler() {
        throw new IllegalStateException("no codec library on this machine");
    }

    @Override
    public byte[] handle(byte[] request) {
        return request;
    }
}
