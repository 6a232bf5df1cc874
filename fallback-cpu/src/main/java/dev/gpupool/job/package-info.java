/**
 * One image's thumbnail job, whole: read the input, decode it (shrunk on load), plan each requested
 * size, resize, encode and write each output atomically. The same code runs in a CPU worker process,
 * on the host's threads, or around a device resize ({@link dev.gpupool.job.ThumbnailJob} splits into
 * decode, plan, and encode-and-write steps so a device can do the resize in between).
 */
package dev.gpupool.job;
