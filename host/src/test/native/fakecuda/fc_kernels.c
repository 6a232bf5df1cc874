/*
 * fc_kernels.c: the table from PTX entry name to C body. The bodies are gpupool's own kernel sources
 * (kernels/resize.cu, kernels/examples/<name>.cl) compiled as C with -DGP_EMULATE_C; each invoker unpacks
 * the launch arguments by the entry's signature and runs one emulated thread. A new kernel needs a
 * line here (and its source in the Makefile), or cuModuleLoadData refuses the PTX that declares it.
 */
#include "fakecuda.h"

#include <string.h>

typedef unsigned char u8;

void gp_resize_h(const u8 *src, float *mid, const int *meta, const float *wts, int nimg, int total);
void gp_resize_v(const float *mid, u8 *dst, const int *meta, const float *wts, int nimg, int total);
void gp_sharpen(const u8 *src, u8 *dst, const int *meta, const float *sp, int nimg, int total);
void gp_orient(const u8 *src, u8 *dst, int w, int h, int ch, int orientation, int total);
void saxpy(int n, float a, const float *x, float *y);
void grey(int n, const u8 *rgb, u8 *out);
void blur(int width, int height, int radius, const float *weights, const float *src, float *dst);

static void *P(const fc_args *a, int i) { return (void *) (uintptr_t) a->v[i]; }
static int I(const fc_args *a, int i) { int v; memcpy(&v, &a->v[i], sizeof v); return v; }
static float F(const fc_args *a, int i) { float v; memcpy(&v, &a->v[i], sizeof v); return v; }

static void run_resize_h(const fc_args *a) { gp_resize_h(P(a, 0), P(a, 1), P(a, 2), P(a, 3), I(a, 4), I(a, 5)); }
static void run_resize_v(const fc_args *a) { gp_resize_v(P(a, 0), P(a, 1), P(a, 2), P(a, 3), I(a, 4), I(a, 5)); }
static void run_sharpen(const fc_args *a) { gp_sharpen(P(a, 0), P(a, 1), P(a, 2), P(a, 3), I(a, 4), I(a, 5)); }
static void run_orient(const fc_args *a) { gp_orient(P(a, 0), P(a, 1), I(a, 2), I(a, 3), I(a, 4), I(a, 5), I(a, 6)); }
static void run_saxpy(const fc_args *a) { saxpy(I(a, 0), F(a, 1), P(a, 2), P(a, 3)); }
static void run_grey(const fc_args *a) { grey(I(a, 0), P(a, 1), P(a, 2)); }
static void run_blur(const fc_args *a) { blur(I(a, 0), I(a, 1), I(a, 2), P(a, 3), P(a, 4), P(a, 5)); }

#define PTR FC_P_PTR
#define I32 FC_P_I32
#define F32 FC_P_F32
static const fc_kernel kernels[] = {
    {"gp_resize_h", 6, {PTR, PTR, PTR, PTR, I32, I32}, run_resize_h},
    {"gp_resize_v", 6, {PTR, PTR, PTR, PTR, I32, I32}, run_resize_v},
    {"gp_sharpen", 6, {PTR, PTR, PTR, PTR, I32, I32}, run_sharpen},
    {"gp_orient", 7, {PTR, PTR, I32, I32, I32, I32, I32}, run_orient},
    {"saxpy", 4, {I32, F32, PTR, PTR}, run_saxpy},
    {"grey", 3, {I32, PTR, PTR}, run_grey},
    {"blur", 6, {I32, I32, I32, PTR, PTR, PTR}, run_blur},
};

const fc_kernel *fc_kernel_find(const char *name) {
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) if (strcmp(kernels[i].name, name) == 0) return &kernels[i];
    return NULL;
}

const char *fc_param_name(fc_param p) {
    return p == FC_P_PTR ? "a pointer (.u64)" : p == FC_P_I32 ? "an int (.u32/.s32)" : "a float (.f32)";
}
