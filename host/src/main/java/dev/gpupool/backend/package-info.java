/**
 * What a backend is to the rest of gpupool. A {@link dev.gpupool.backend.BackendProvider}, found
 * with {@link java.util.ServiceLoader} and never named by the generic code, probes one backend and,
 * when it can run here, opens its {@link dev.gpupool.backend.BackendRuntime}: the one object a
 * {@link dev.gpupool.Pool} holds for its backend. A runtime owns everything the backend needs (a
 * device session, a worker-process pool) and hands out its clients: the
 * {@link dev.gpupool.backend.ThumbnailEngine} that makes thumbnails, the kernel runner for user
 * kernels, the in-memory resize. {@link dev.gpupool.backend.Backends} chooses among the providers.
 * The public {@link dev.gpupool.Backend} enum stays the user's way to name a backend.
 */
package dev.gpupool.backend;
