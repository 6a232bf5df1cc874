/**
 * The CPU backends: {@code cpu} (each image in a worker JVM, {@link dev.gpupool.backend.cpu.ProcessEngine})
 * and {@code cpu-threads} (each image on the pool's threads, {@link dev.gpupool.backend.cpu.ThreadsEngine}).
 * Neither has a device: user kernels run their Java fallback, in-memory resizes run in this process.
 */
package dev.gpupool.backend.cpu;
