/**
 * User kernels: a {@link dev.gpupool.kernel.Kernel} is one entry point given as OpenCL C source
 * and/or CUDA PTX with an optional Java fallback, launched over N work items on a
 * {@link dev.gpupool.Pool} with buffer and scalar {@link dev.gpupool.kernel.Arg}s, returning a
 * {@code CompletableFuture<LaunchReport>}. The pool's backend decides where it runs: its PTX on CUDA,
 * its OpenCL source on OpenCL (programs built once per pool and cached on disk like the resize
 * kernels'), its Java fallback on {@code cpu} and {@code cpu-threads} pools, split into ranges across
 * the pool's threads in this process, and on device pools the kernel has no code for (the report says
 * so). {@link dev.gpupool.kernel.ExampleKernels} holds saxpy, grey conversion and a Gaussian blur,
 * whose device bodies live in {@code kernels/examples/} and whose Java fallbacks live here (not in
 * {@code fallback-cpu}: they are lambdas of this API, which that module does not see).
 */
package dev.gpupool.kernel;
