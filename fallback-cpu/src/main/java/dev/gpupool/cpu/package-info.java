/**
 * Runs a {@link dev.gpupool.cpu.WorkerHandler} in a pool of worker JVM processes so that a crash
 * in native code (a decoder on a hostile file) kills one worker, not the caller: {@link
 * dev.gpupool.cpu.ProcessPool} takes byte-array requests into one queue and owns the pool's
 * lifecycle, sized to what the machine and the work can use; each worker process is launched from
 * the caller's runtime and class path (with a JDK AOT cache that the first worker trains), spoken
 * to in length-prefixed frames on its standard input and output ({@link dev.gpupool.cpu.WorkerMain}
 * is its side), and replaced when it dies; a task whose process died is retried alone and fails as
 * poison ({@link dev.gpupool.cpu.WorkerCrashedException}) when it kills a second one, tasks that
 * time out or are cancelled have their process killed, and temporaries a dead worker announced are
 * deleted.
 */
package dev.gpupool.cpu;
