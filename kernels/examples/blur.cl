/*
 * blur: Gaussian blur of a width x height float image, one work item per output pixel
 * (i = y * width + x). weights holds the 2 * radius + 1 normalised 1-D taps; the 2-D tap is
 * weights[dy] * weights[dx], and edges are clamped. The sum runs in a fixed order with unfused
 * GP_MUL/GP_ADD, so every backend gives the same floats as the Java fallback.
 * One body for OpenCL C and CUDA C (blur.cu includes this file).
 */
#include "gp_portable.h"

DEVICE_FN int gp_clamp_index(int v, int hi) {
    return v < 0 ? 0 : (v > hi ? hi : v);
}

KERNEL void blur(int width, int height, int radius, GLOBAL const float* weights,
                 GLOBAL const float* src, GLOBAL float* dst) {
    int i = GP_GID0;
    if (i >= width * height) return;
    int x = i % width, y = i / width;
    float acc = 0.0f;
    for (int dy = -radius; dy <= radius; dy++) {
        int row = gp_clamp_index(y + dy, height - 1) * width;
        float wy = weights[dy + radius];
        for (int dx = -radius; dx <= radius; dx++) {
            float w = GP_MUL(wy, weights[dx + radius]);
            acc = GP_ADD(acc, GP_MUL(w, src[row + gp_clamp_index(x + dx, width - 1)]));
        }
    }
    dst[i] = acc;
}
