/*
 * fn_nvjpeg.c: the fake nvJPEG's core: the call guard (driver lock + current context), violations,
 * the object registry with graves, TurboJPEG loading, nvjpegGetProperty, nvjpegCreateEx/Destroy and
 * nvjpegGetHardwareDecoderInfo. Decoding is in fn_decode.c, encoding in fn_encode.c.
 */
#define _GNU_SOURCE
#include "fn_nvjpeg.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nj_turbo tj;
static nj_obj *objects; /* every object made, live and dead (graves) */

/* ------------------------------------------------------------------ guard and violations */

/*
 * Every entry point (but nvjpegGetProperty) starts here: it holds the driver lock until nj_leave, and
 * needs a live current context on the calling thread (the real library runs on the CUDA runtime,
 * which uses it). No context: a violation and NOT_INITIALIZED; a faulted (sticky) context:
 * EXECUTION_FAILED.
 */
int nj_enter(const char *what) {
    fakecuda_lock();
    CUresult rc = fakecuda_current_context(NULL, what);
    if (rc == CUDA_SUCCESS) return NJ_SUCCESS;
    if (rc == CUDA_ERROR_NOT_INITIALIZED || rc == CUDA_ERROR_INVALID_CONTEXT || rc == CUDA_ERROR_NOT_PERMITTED)
        return NJ_NOT_INITIALIZED;
    fprintf(stderr, "fakenvjpeg: note: %s: the current context has faulted (CUDA error %d)\n", what, rc);
    return NJ_EXECUTION_FAILED;
}

int nj_leave(int status) {
    fakecuda_unlock();
    return status;
}

int nj_violation(int status, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fakecuda_violation(status, msg);
}

/* A stream handle of the current context (NULL is the legacy default stream); INVALID_PARAMETER otherwise. */
int nj_check_stream(CUstream s, const char *what) {
    return fakecuda_stream_check(s, what) == CUDA_SUCCESS ? NJ_SUCCESS : NJ_INVALID_PARAMETER;
}

/* ------------------------------------------------------------------ objects */

const char *nj_kind_name(nj_kind k) {
    switch (k) {
        case NJ_HANDLE: return "nvjpegHandle_t";
        case NJ_JPEG_STATE: return "nvjpegJpegState_t";
        case NJ_JPEG_STREAM: return "nvjpegJpegStream_t";
        case NJ_ENC_STATE: return "nvjpegEncoderState_t";
        case NJ_ENC_PARAMS: return "nvjpegEncoderParams_t";
    }
    return "?";
}

nj_obj *nj_new(nj_kind kind, nj_obj *handle) {
    nj_obj *o = calloc(1, sizeof *o);
    if (o == NULL) return NULL;
    o->kind = kind;
    o->handle = handle != NULL ? handle : o;
    if (kind == NJ_ENC_PARAMS) {  /* nvJPEG's defaults */
        o->quality = 70;
        o->css = NJ_CSS_420;
    }
    o->next = objects;
    objects = o;
    fakecuda_stat_add(kind == NJ_HANDLE ? "nvjpeg_handles_live" : "nvjpeg_objects_live", 1);
    return o;
}

/* Marks an object dead (its struct stays as a grave, so a stale pointer is named, never reused). */
int nj_bury(nj_obj *o) {
    o->dead = 1;
    if (o->bits != NULL) tj.Free(o->bits);
    o->bits = NULL;
    fakecuda_stat_add(o->kind == NJ_HANDLE ? "nvjpeg_handles_live" : "nvjpeg_objects_live", -1);
    return NJ_SUCCESS;
}

/*
 * p must be a live object of this kind; for a handle's child, handle (when not NULL) must be the
 * handle it was made with, and that handle must still be alive (unless handle is NJ_ANY_OWNER). Pointers are only compared with the registry, never dereferenced first.
 */
int nj_find(void *p, nj_kind kind, nj_obj *handle, const char *what, nj_obj **out) {
    *out = NULL;
    if (p == NULL) return nj_violation(NJ_INVALID_PARAMETER, "%s: NULL %s", what, nj_kind_name(kind));
    nj_obj *o = objects;
    while (o != NULL && o != p) o = o->next;
    if (o == NULL) return nj_violation(NJ_INVALID_PARAMETER, "%s: %p is not an %s (nor any nvJPEG object)", what, p, nj_kind_name(kind));
    if (o->kind != kind)
        return nj_violation(NJ_INVALID_PARAMETER, "%s: %p is an %s, not an %s", what, p, nj_kind_name(o->kind), nj_kind_name(kind));
    if (o->dead) return nj_violation(NJ_INVALID_PARAMETER, "%s: %s %p was destroyed", what, nj_kind_name(kind), p);
    if (handle == NJ_ANY_OWNER) { *out = o; return NJ_SUCCESS; }
    if (kind != NJ_HANDLE && handle != NULL && o->handle != handle)
        return nj_violation(NJ_INVALID_PARAMETER, "%s: %s %p was made with another nvjpegHandle_t (%p, not %p)", what,
                            nj_kind_name(kind), p, (void *) o->handle, (void *) handle);
    if (kind != NJ_HANDLE && o->handle->dead)
        return nj_violation(NJ_INVALID_PARAMETER, "%s: the nvjpegHandle_t of %s %p was destroyed", what, nj_kind_name(kind), p);
    *out = o;
    return NJ_SUCCESS;
}

/* ------------------------------------------------------------------ TurboJPEG */

static int turbo_load(void) {
    if (tj.dec != NULL && tj.enc != NULL) return 1;
    void *lib = dlopen("libturbojpeg.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "fakenvjpeg: cannot load libturbojpeg.so.0 (install libturbojpeg0): %s\n", dlerror());
        return 0;
    }
#define SYM(field, name) *(void **) (&tj.field) = dlsym(lib, name); if (tj.field == NULL) goto missing
    SYM(InitDecompress, "tjInitDecompress");
    SYM(DecompressHeader3, "tjDecompressHeader3");
    SYM(Decompress2, "tjDecompress2");
    SYM(InitCompress, "tjInitCompress");
    SYM(Compress2, "tjCompress2");
    SYM(Free, "tjFree");
    SYM(Destroy, "tjDestroy");
    SYM(GetErrorStr2, "tjGetErrorStr2");
#undef SYM
    tj.dec = tj.InitDecompress();
    tj.enc = tj.InitCompress();
    if (tj.dec != NULL && tj.enc != NULL) return 1;
    fprintf(stderr, "fakenvjpeg: tjInitDecompress/tjInitCompress failed\n");
    return 0;
missing:
    fprintf(stderr, "fakenvjpeg: libturbojpeg.so.0 lacks a TurboJPEG 2.x symbol: %s\n", dlerror());
    return 0;
}

/* ------------------------------------------------------------------ library and handles */

/* 13.0.0 (MAJOR 0, MINOR 1, PATCH 2). Needs no context. */
NJ_API int nvjpegGetProperty(int type, int *value) {
    if (value == NULL || type < 0 || type > 2) return NJ_INVALID_PARAMETER;
    *value = type == 0 ? 13 : 0;
    return NJ_SUCCESS;
}

/*
 * backend: DEFAULT, HYBRID, GPU_HYBRID or HARDWARE (ARCH_MISMATCH when the key nvjpeg_no_hardware is
 * set). Custom allocators and flags are accepted and ignored: device memory here is the driver's.
 */
NJ_API int nvjpegCreateEx(int backend, void *dev_alloc, void *pinned_alloc, unsigned flags, void **handle) {
    (void) dev_alloc;
    (void) pinned_alloc;
    (void) flags;
    int st = nj_enter("nvjpegCreateEx");
    if (st == NJ_SUCCESS && handle == NULL) st = nj_violation(NJ_INVALID_PARAMETER, "nvjpegCreateEx: handle is NULL");
    if (st == NJ_SUCCESS && (backend < NJ_BACKEND_DEFAULT || backend > NJ_BACKEND_HARDWARE))
        st = nj_violation(NJ_INVALID_PARAMETER, "nvjpegCreateEx: unknown backend %d", backend);
    if (st == NJ_SUCCESS && backend == NJ_BACKEND_HARDWARE && fakecuda_get("nvjpeg_no_hardware") != 0) {
        fprintf(stderr, "fakenvjpeg: note: nvjpegCreateEx(HARDWARE): no hardware decoder (nvjpeg_no_hardware)\n");
        st = NJ_ARCH_MISMATCH;
    }
    if (st == NJ_SUCCESS && !turbo_load()) st = NJ_INTERNAL_ERROR;
    nj_obj *h = st == NJ_SUCCESS ? nj_new(NJ_HANDLE, NULL) : NULL;
    if (st == NJ_SUCCESS && h == NULL) st = NJ_ALLOCATOR_FAILURE;
    if (st == NJ_SUCCESS) {
        h->backend = backend;
        *handle = h;
    }
    return nj_leave(st);
}

/* Objects made with it and still alive stay alive (a note), but every use of them is a violation. */
NJ_API int nvjpegDestroy(void *handle) {
    int st = nj_enter("nvjpegDestroy");
    nj_obj *h = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, "nvjpegDestroy", &h);
    if (st == NJ_SUCCESS) {
        int children = 0;
        for (nj_obj *o = objects; o != NULL; o = o->next) if (o != h && o->handle == h && !o->dead) children++;
        if (children > 0) fprintf(stderr, "fakenvjpeg: note: nvjpegDestroy: %d object(s) made with handle %p are still alive\n",
                                  children, handle);
        st = nj_bury(h);
    }
    return nj_leave(st);
}

/* 2 engines x 1 core for a HARDWARE handle, 0 x 0 otherwise. */
NJ_API int nvjpegGetHardwareDecoderInfo(void *handle, unsigned *engines, unsigned *cores_per_engine) {
    int st = nj_enter("nvjpegGetHardwareDecoderInfo");
    nj_obj *h = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, "nvjpegGetHardwareDecoderInfo", &h);
    if (st == NJ_SUCCESS && (engines == NULL || cores_per_engine == NULL))
        st = nj_violation(NJ_INVALID_PARAMETER, "nvjpegGetHardwareDecoderInfo: a NULL output pointer");
    if (st == NJ_SUCCESS) {
        int hw = h->backend == NJ_BACKEND_HARDWARE;
        *engines = hw ? 2 : 0;
        *cores_per_engine = hw ? 1 : 0;
    }
    return nj_leave(st);
}

/* ------------------------------------------------------------------ unload */

__attribute__((destructor)) static void nj_unload(void) {
    for (nj_obj *o = objects, *n; o != NULL; o = n) {
        n = o->next;
        if (o->bits != NULL && tj.Free != NULL) tj.Free(o->bits);
        free(o);
    }
    objects = NULL;
}
