/*
 * resize.cu: CUDA entry points of the batched resize; the same body as resize.cl (resize_body.h).
 * Launch with a 1-D grid covering `total` threads; parameters as in resize.cl.
 * Check: nvcc -ptx -arch=compute_75 kernels/resize.cu
 */
#include "gp_portable.h"
#include "resize_body.h"

KERNEL void gp_resize_h(GLOBAL const gp_u8* src, GLOBAL float* mid, GLOBAL const int* meta,
                        GLOBAL const float* wts, int nimg, int total) {
    gp_resize_h_body(GP_GID0, total, src, mid, meta, wts, nimg);
}

KERNEL void gp_resize_v(GLOBAL const float* mid, GLOBAL gp_u8* dst, GLOBAL const int* meta,
                        GLOBAL const float* wts, int nimg, int total) {
    gp_resize_v_body(GP_GID0, total, mid, dst, meta, wts, nimg);
}
