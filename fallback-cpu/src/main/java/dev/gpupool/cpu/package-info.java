/**
 * A pool of worker JVM processes that run a {@link dev.gpupool.cpu.WorkerHandler} on byte-array
 * requests: the CPU fallback of gpupool runs image decoding and resizing there so that a native
 * decoder crash on a hostile file kills one worker, not the batch. {@link dev.gpupool.cpu.ProcessPool}
 * starts the workers from the current runtime and class path, feeds them one task at a time from a
 * shared queue over length-prefixed frames on their standard input and output, retries a task whose
 * worker died once, fails it as poison ({@link dev.gpupool.cpu.WorkerCrashedException}) when it
 * killed two, kills workers whose task timed out or was cancelled, and replaces dead workers within
 * a bounded restart budget; {@link dev.gpupool.cpu.WorkerMain} is the worker side.
 */
package dev.gpupool.cpu;
