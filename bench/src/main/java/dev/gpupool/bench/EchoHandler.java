package dev.gpupool.bench;

import dev.gpupool.cpu.WorkerHandler;

/** A worker that hands its request back: what is left of a task round trip is the pool's own cost. */
public final class EchoHandler implements WorkerHandler {
    @Override
    public byte[] handle(byte[] request) {
        return request;
    }
}
