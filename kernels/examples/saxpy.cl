/*
 * saxpy: y[i] = a * x[i] + y[i] for i < n.
 * One body for OpenCL C and CUDA C (saxpy.cu includes this file). GP_MUL/GP_ADD are never fused
 * into an FMA, so every backend rounds exactly as Java does (dev.gpupool.kernel.ExampleKernels).
 */
#include "gp_portable.h"

KERNEL void saxpy(int n, float a, GLOBAL const float* x, GLOBAL float* y) {
    int i = GP_GID0;
    if (i >= n) return; /* CUDA rounds the grid up to whole blocks */
    y[i] = GP_ADD(GP_MUL(a, x[i]), y[i]);
}
