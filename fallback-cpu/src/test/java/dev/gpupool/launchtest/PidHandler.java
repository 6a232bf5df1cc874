package dev.gpupool.launchtest;

import dev.gpupool.cpu.WorkerHandler;

import java.nio.charset.StandardCharsets;

/** Answers "PID:request": which process ran the task. In a package of its own so that it can be a module. */
public final class PidHandler implements WorkerHandler {
    @Override
    public byte[] handle(byte[] request) {
        return (ProcessHandle.current().pid() + ":" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }
}
