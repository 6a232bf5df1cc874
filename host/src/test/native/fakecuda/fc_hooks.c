/*
 * fc_hooks.c: test-only entry points for the fake nvJPEG (fn_nvjpeg.c, libnvjpeg.so.13), which links
 * against this library. A real driver has none of them. They share the driver's one lock, its
 * thread-local context stack, its violations and its one key/stat namespace (fakecuda_set/stat).
 */
#include "fakecuda.h"

#include <stdio.h>

/* The driver's (recursive) lock: the nvJPEG fake holds it across each of its calls. */
FC_API void fakecuda_lock(void) { fc_lock(); }
FC_API void fakecuda_unlock(void) { fc_unlock(); }

/*
 * The current context of the calling thread, live: CUDA_SUCCESS; else the driver's code after a
 * violation naming `what` (no cuInit, no current context, a destroyed one), or the context's sticky
 * error (a faulted context, no violation).
 */
FC_API CUresult fakecuda_current_context(CUcontext *out, const char *what) {
    fc_lock();
    fc_ctx *c = NULL;
    CUresult rc = fc.initialized ? fc_need_ctx_any(&c)
            : fc_violation(CUDA_ERROR_NOT_INITIALIZED, "%s: cuInit was never called", what);
    if (rc == CUDA_ERROR_INVALID_CONTEXT) fc_note("(the call above: %s)", what);
    if (rc == CUDA_SUCCESS && c->sticky != CUDA_SUCCESS) rc = c->sticky;
    if (out != NULL) *out = rc == CUDA_SUCCESS ? c : NULL;
    fc_unlock();
    return rc;
}

/*
 * The host backing of device range [p, p+n): it must lie inside ONE live allocation of the calling
 * thread's current context. NULL after a violation naming `what` otherwise (or with no context).
 * The pointer stays valid while the allocation lives (cuMemFree and cuCtxDestroy run queued work first).
 */
FC_API void *fakecuda_device_host(CUdeviceptr p, size_t n, const char *what) {
    fc_lock();
    fc_ctx *c = NULL;
    fc_alloc *a = NULL;
    CUresult rc = fakecuda_current_context(&c, what);
    if (rc == CUDA_SUCCESS) rc = fc_device_range(c, p, n, what, &a);
    void *h = rc == CUDA_SUCCESS ? a->mem + (p - a->addr) : NULL;
    fc_unlock();
    return h;
}

/* CUDA_SUCCESS when the handle names a stream of the current context (NULL: the legacy stream); a violation otherwise. */
FC_API CUresult fakecuda_stream_check(CUstream h, const char *what) {
    fc_lock();
    fc_ctx *c = NULL;
    fc_stream *s = NULL;
    CUresult rc = fakecuda_current_context(&c, what);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, h, &s);
    fc_unlock();
    return rc;
}

/* Records a violation (stderr line, counter, fakecuda_last_violation) and returns code. */
FC_API int fakecuda_violation(int code, const char *message) {
    fc_lock();
    fc_violation(code, "%s", message != NULL ? message : "(null)");
    fc_unlock();
    return code;
}

/* fakecuda_get, fakecuda_countdown and fakecuda_stat_add are in fc_core.c, next to the tables. */
