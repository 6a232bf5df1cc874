/*
 * grey: packed 8-bit RGB (3 bytes a pixel) to 8-bit luma, integer BT.601 weights
 * (77 R + 150 G + 29 B + 128) >> 8, so every backend gives the same bytes.
 * One body for OpenCL C and CUDA C (grey.cu includes this file).
 */
#include "gp_portable.h"

KERNEL void grey(int n, GLOBAL const gp_u8* rgb, GLOBAL gp_u8* out) {
    int i = GP_GID0;
    if (i >= n) return;
    int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    out[i] = (gp_u8) ((77 * r + 150 * g + 29 * b + 128) >> 8);
}
