/*
 * resize.cu: CUDA entry points of the batched resize and of the EXIF orientation; the same bodies as
 * resize.cl (resize_body.h).
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

/* Unsharp mask of the resized images (--sharpen): src = gp_resize_v's dst, dst a buffer of the same layout,
 * sp GP_SP floats per image, total = gp_resize_v's. See gp_sharpen_body in resize_body.h. */
KERNEL void gp_sharpen(GLOBAL const gp_u8* src, GLOBAL gp_u8* dst, GLOBAL const int* meta, GLOBAL const float* sp,
                       int nimg, int total) {
    gp_sharpen_body(GP_GID0, total, src, dst, meta, sp, nimg);
}

/* EXIF orientation 1..8: src (w x h, ch channels) -> dst (w x h, or h x w for 5..8); total = w * h,
 * one work item per source pixel. See gp_orient_body in resize_body.h. */
KERNEL void gp_orient(GLOBAL const gp_u8* src, GLOBAL gp_u8* dst, int w, int h, int ch, int orientation,
                      int total) {
    gp_orient_body(GP_GID0, total, src, dst, w, h, ch, orientation);
}
