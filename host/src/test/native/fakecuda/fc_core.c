/*
 * fc_core.c: the fake driver's global state, configuration (GPUPOOL_FAKECUDA and fakecuda_set),
 * statistics, violations, cuInit, device queries, contexts and error names. See fakecuda.h for the
 * state model.
 */
#define _GNU_SOURCE
#include "fakecuda.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fc_state fc;
/* Recursive: the fake nvJPEG (fn_nvjpeg.c) holds it across a whole call (fakecuda_lock) and calls the
 * driver's entry points inside; the driver itself never re-enters. */
static pthread_mutex_t fc_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

#define FC_STACK 16
static _Thread_local fc_ctx *tl_stack[FC_STACK];
static _Thread_local int tl_depth;

static const char *const key_names[K_NKEYS] = {
    "oom_device_at", "oom_pinned_at", "sticky_launch_error", "sticky_launch_at", "refuse_ptx",
    "device_count", "total_mem", "compute_capability", "no_device",
    "nvjpeg_no_hardware", "nvjpeg_fail_decode_at", "nvjpeg_alloc_fail_at"};
static const long long key_defaults[K_NKEYS] = {0, 0, 0, 0, 0, 1, 1LL << 30, 80, 0, 0, 0, 0};
static const char *const stat_names[S_NSTATS] = {
    "contexts_created", "contexts_live", "modules_loaded", "launches", "htod_bytes", "dtoh_bytes",
    "dtod_bytes", "violations", "device_bytes_live", "pinned_bytes_live", "device_allocs_live",
    "pinned_allocs_live", "streams_live", "events_live", "ops_deferred", "spin_waits", "host_funcs",
    "nvjpeg_handles_live", "nvjpeg_objects_live", "nvjpeg_batched_calls", "nvjpeg_images_decoded",
    "nvjpeg_hw_images_decoded", "nvjpeg_images_encoded"};

void fc_lock(void) { pthread_mutex_lock(&fc_mutex); }
void fc_unlock(void) { pthread_mutex_unlock(&fc_mutex); }

CUresult fc_violation(CUresult code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fc.last_violation, sizeof fc.last_violation, fmt, ap);
    va_end(ap);
    fc.stat[S_VIOLATIONS]++;
    fprintf(stderr, "fakecuda: VIOLATION: %s (returning %d)\n", fc.last_violation, code);
    return code;
}

void fc_note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("fakecuda: note: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ------------------------------------------------------------------ configuration */

static void config_defaults(void) {
    memcpy(fc.cfg, key_defaults, sizeof fc.cfg);
}

static int key_index(const char *key) {
    for (int i = 0; i < K_NKEYS; i++) if (strcmp(key, key_names[i]) == 0) return i;
    return -1;
}

int fc_key_index(const char *key) { return key == NULL ? -1 : key_index(key); }

int fc_stat_index(const char *name) {
    for (int i = 0; i < S_NSTATS; i++) if (name != NULL && strcmp(name, stat_names[i]) == 0) return i;
    return -1;
}

/* Reads GPUPOOL_FAKECUDA ("key=value,key=value") once, at the first cuInit. */
static void config_read_env(void) {
    if (fc.config_read) return;
    fc.config_read = 1;
    config_defaults();
    const char *env = getenv("GPUPOOL_FAKECUDA");
    if (env == NULL || *env == '\0') return;
    char *copy = strdup(env), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int k = -1;
        if (eq != NULL) { *eq = '\0'; k = key_index(tok); }
        if (k < 0) { fprintf(stderr, "fakecuda: GPUPOOL_FAKECUDA: unknown setting '%s' ignored\n", tok); continue; }
        fc.cfg[k] = strtoll(eq + 1, NULL, 0);
    }
    free(copy);
}

int fc_countdown(int key) {
    if (fc.cfg[key] <= 0) return 0;
    return --fc.cfg[key] == 0;
}

/* Sets a fault-injection or device setting ("defaults" restores them all); 0, or -1 for an unknown key. */
FC_API int fakecuda_set(const char *key, long long value) {
    fc_lock();
    if (!fc.config_read) config_read_env();
    int k = key == NULL ? -1 : key_index(key);
    if (k >= 0) fc.cfg[k] = value;
    else if (key != NULL && strcmp(key, "defaults") == 0) { config_defaults(); k = 0; }
    else fprintf(stderr, "fakecuda: fakecuda_set: unknown key '%s'\n", key ? key : "(null)");
    fc_unlock();
    return k >= 0 ? 0 : -1;
}

/* A counter (see stat_names); -1 for an unknown name. */
FC_API long long fakecuda_stat(const char *name) {
    fc_lock();
    int i = fc_stat_index(name);
    long long v = i < 0 ? -1 : fc.stat[i];
    fc_unlock();
    return v;
}

/* Hooks for the fake nvJPEG (see fc_hooks.c): a setting's value (0 for an unknown key) ... */
FC_API long long fakecuda_get(const char *key) {
    fc_lock();
    if (!fc.config_read) config_read_env();
    int k = fc_key_index(key);
    long long v = k < 0 ? 0 : fc.cfg[k];
    fc_unlock();
    if (k < 0) fprintf(stderr, "fakecuda: fakecuda_get: unknown key '%s'\n", key ? key : "(null)");
    return v;
}

/* ... a countdown fault (1 when the Nth call from when the key was set is this one) ... */
FC_API int fakecuda_countdown(const char *key) {
    fc_lock();
    if (!fc.config_read) config_read_env();
    int k = fc_key_index(key);
    int fire = k < 0 ? 0 : fc_countdown(k);
    fc_unlock();
    return fire;
}

/* ... and a counter's update (an unknown name is ignored, loudly). */
FC_API void fakecuda_stat_add(const char *name, long long delta) {
    fc_lock();
    int i = fc_stat_index(name);
    if (i >= 0) fc.stat[i] += delta;
    fc_unlock();
    if (i < 0) fprintf(stderr, "fakecuda: fakecuda_stat_add: unknown counter '%s'\n", name ? name : "(null)");
}

/* The message of the latest violation ("" if none since the last reset); valid until the next call. */
FC_API const char *fakecuda_last_violation(void) {
    static _Thread_local char copy[sizeof fc.last_violation];
    fc_lock();
    memcpy(copy, fc.last_violation, sizeof copy);
    fc_unlock();
    return copy;
}

/* Zeroes the cumulative counters (the *_live ones describe current state and are kept). */
FC_API void fakecuda_reset_stats(void) {
    fc_lock();
    int keep[] = {S_CONTEXTS_LIVE, S_DEVICE_BYTES_LIVE, S_PINNED_BYTES_LIVE, S_DEVICE_ALLOCS_LIVE,
                  S_PINNED_ALLOCS_LIVE, S_STREAMS_LIVE, S_EVENTS_LIVE, S_NVJPEG_HANDLES_LIVE,
                  S_NVJPEG_OBJECTS_LIVE};
    long long saved[sizeof keep / sizeof keep[0]];
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) saved[i] = fc.stat[keep[i]];
    memset(fc.stat, 0, sizeof fc.stat);
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) fc.stat[keep[i]] = saved[i];
    fc.last_violation[0] = '\0';
    fc_unlock();
}

/* Present only in the fake: lets a test tell it from a real driver. */
FC_API int fakecuda_version(void) { return 1; }

/* ------------------------------------------------------------------ init and devices */

FC_API CUresult cuInit(unsigned flags) {
    fc_lock();
    config_read_env();
    CUresult rc = CUDA_SUCCESS;
    if (flags != 0) rc = CUDA_ERROR_INVALID_VALUE;
    else if (fc.cfg[K_NO_DEVICE]) rc = CUDA_ERROR_NO_DEVICE;
    if (fc.next_addr == 0) fc.next_addr = 0x200000000ULL; /* fake device addresses: never host ones */
    fc.initialized = rc == CUDA_SUCCESS;
    fc_unlock();
    return rc;
}

FC_API CUresult cuDriverGetVersion(int *v) {
    if (v == NULL) return CUDA_ERROR_INVALID_VALUE;
    *v = 13000;
    return CUDA_SUCCESS;
}

static int device_count(void) {
    long long n = fc.cfg[K_DEVICE_COUNT];
    return n < 0 ? 0 : n > FC_MAX_DEVICES ? FC_MAX_DEVICES : (int) n;
}

/* NOT_INITIALIZED before a successful cuInit, INVALID_DEVICE for a bad ordinal. */
static CUresult check_device(CUdevice d) {
    if (!fc.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    return d >= 0 && d < device_count() ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

FC_API CUresult cuDeviceGetCount(int *count) {
    if (count == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = fc.initialized ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
    if (rc == CUDA_SUCCESS) *count = device_count();
    fc_unlock();
    return rc;
}

FC_API CUresult cuDeviceGet(CUdevice *dev, int ordinal) {
    if (dev == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = check_device(ordinal);
    if (rc == CUDA_SUCCESS) *dev = ordinal;
    fc_unlock();
    return rc;
}

FC_API CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
    if (name == NULL || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = check_device(dev);
    if (rc == CUDA_SUCCESS) snprintf(name, (size_t) len, "gpupool fake CUDA device (CPU emulation)");
    fc_unlock();
    return rc;
}

static int attribute(int attr) {
    switch (attr) {
        case 1: return 1024;                  /* max threads per block */
        case 2: case 3: return 1024;          /* max block dim x, y */
        case 4: return 64;                    /* max block dim z */
        case 5: return 2147483647;            /* max grid dim x */
        case 6: case 7: return 65535;
        case 8: return 49152;                 /* shared memory per block */
        case 9: return 65536;                 /* total constant memory */
        case 10: return 32;                   /* warp size */
        case 12: return 65536;                /* registers per block */
        case 13: return 1000000;              /* clock rate, kHz */
        case 16: return 4;                    /* multiprocessors */
        case 36: return 1000000;              /* memory clock, kHz */
        case 37: return 256;                  /* memory bus width */
        case 39: return 2048;                 /* max threads per multiprocessor */
        case 40: return 2;                    /* async engines */
        case 75: return (int) (fc.cfg[K_COMPUTE_CAPABILITY] / 10);
        case 76: return (int) (fc.cfg[K_COMPUTE_CAPABILITY] % 10);
        default: return 0;
    }
}

FC_API CUresult cuDeviceGetAttribute(int *value, int attr, CUdevice dev) {
    if (value == NULL || attr < 1 || attr > 200) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = check_device(dev);
    if (rc == CUDA_SUCCESS) *value = attribute(attr);
    fc_unlock();
    return rc;
}

FC_API CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) {
    if (bytes == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = check_device(dev);
    if (rc == CUDA_SUCCESS) *bytes = (size_t) fc.cfg[K_TOTAL_MEM];
    fc_unlock();
    return rc;
}

/* ------------------------------------------------------------------ contexts */

static fc_ctx *current(void) { return tl_depth > 0 ? tl_stack[tl_depth - 1] : NULL; }

CUresult fc_need_ctx_any(fc_ctx **out) {
    *out = NULL;
    if (!fc.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (fc.in_host_fn) return fc_violation(CUDA_ERROR_NOT_PERMITTED, "a CUDA call from inside a cuLaunchHostFunc function");
    fc_ctx *c = current();
    if (c == NULL) return fc_violation(CUDA_ERROR_INVALID_CONTEXT, "no CUDA context is current on this thread");
    if (c->dead) return fc_violation(CUDA_ERROR_INVALID_CONTEXT, "the current context #%u was destroyed", c->id);
    *out = c;
    return CUDA_SUCCESS;
}

CUresult fc_need_ctx(fc_ctx **out) {
    CUresult rc = fc_need_ctx_any(out);
    if (rc == CUDA_SUCCESS && (*out)->sticky != CUDA_SUCCESS) return (*out)->sticky;
    return rc;
}

/* A live context for a handle argument; INVALID_CONTEXT (a violation) for a destroyed or unknown one. */
static CUresult live_ctx(fc_ctx *h) {
    for (fc_ctx *c = fc.ctxs; c != NULL; c = c->next) if (c == h) return CUDA_SUCCESS;
    for (fc_ctx *c = fc.dead_ctxs; c != NULL; c = c->next)
        if (c == h) return fc_violation(CUDA_ERROR_INVALID_CONTEXT, "context #%u was destroyed", c->id);
    return fc_violation(CUDA_ERROR_INVALID_CONTEXT, "%p is not a context", (void *) h);
}

FC_API CUresult cuCtxCreate_v2(CUcontext *out, unsigned flags, CUdevice dev) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = check_device(dev);
    if (rc == CUDA_SUCCESS && tl_depth == FC_STACK) rc = CUDA_ERROR_INVALID_VALUE;
    if (rc == CUDA_SUCCESS) {
        fc_ctx *c = calloc(1, sizeof *c);
        c->id = ++fc.next_ctx_id;
        c->device = dev;
        c->flags = flags;
        c->null_stream.ctx = c;
        c->null_stream.is_null = 1;
        c->next = fc.ctxs;
        fc.ctxs = c;
        tl_stack[tl_depth++] = c;
        fc.stat[S_CONTEXTS_CREATED]++;
        fc.stat[S_CONTEXTS_LIVE]++;
        *out = c;
    }
    fc_unlock();
    return rc;
}

static void unlink_ctx(fc_ctx *c) {
    for (fc_ctx **p = &fc.ctxs; *p != NULL; p = &(*p)->next) {
        if (*p == c) { *p = c->next; break; }
    }
    c->next = fc.dead_ctxs;
    fc.dead_ctxs = c;
    c->dead = 1;
}

FC_API CUresult cuCtxDestroy_v2(CUcontext h) {
    fc_lock();
    CUresult rc = fc.initialized ? live_ctx(h) : CUDA_ERROR_NOT_INITIALIZED;
    if (rc == CUDA_SUCCESS) {
        if (h->sticky == CUDA_SUCCESS) fc_flush_ctx(h); else fc_drop_queues(h);
        fc_ctx_free_modules(h);
        fc_ctx_free_streams_events(h);
        fc_ctx_free_all(h);
        fc_free_pinned_of(h);
        unlink_ctx(h);
        fc.stat[S_CONTEXTS_LIVE]--;
        if (current() == h) tl_depth--;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuCtxSetCurrent(CUcontext h) {
    fc_lock();
    CUresult rc = !fc.initialized ? CUDA_ERROR_NOT_INITIALIZED : h == NULL ? CUDA_SUCCESS : live_ctx(h);
    if (rc == CUDA_SUCCESS) {
        if (h == NULL) { if (tl_depth > 0) tl_depth--; }
        else if (tl_depth == 0) tl_stack[tl_depth++] = h;
        else tl_stack[tl_depth - 1] = h;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuCtxGetCurrent(CUcontext *out) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    CUresult rc = fc.initialized ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
    if (rc == CUDA_SUCCESS) *out = current();
    fc_unlock();
    return rc;
}

FC_API CUresult cuCtxPushCurrent_v2(CUcontext h) {
    fc_lock();
    CUresult rc = fc.initialized ? live_ctx(h) : CUDA_ERROR_NOT_INITIALIZED;
    if (rc == CUDA_SUCCESS && tl_depth == FC_STACK) rc = CUDA_ERROR_INVALID_VALUE;
    if (rc == CUDA_SUCCESS) tl_stack[tl_depth++] = h;
    fc_unlock();
    return rc;
}

FC_API CUresult cuCtxPopCurrent_v2(CUcontext *out) {
    fc_lock();
    CUresult rc = !fc.initialized ? CUDA_ERROR_NOT_INITIALIZED
            : tl_depth == 0 ? fc_violation(CUDA_ERROR_INVALID_CONTEXT, "cuCtxPopCurrent with no current context")
            : CUDA_SUCCESS;
    if (rc == CUDA_SUCCESS) {
        fc_ctx *c = tl_stack[--tl_depth];
        if (out != NULL) *out = c;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuCtxSynchronize(void) {
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) fc_count_spin_ctx(c);
    if (rc == CUDA_SUCCESS) fc_flush_ctx(c);
    if (rc == CUDA_SUCCESS) rc = c->sticky;
    fc_unlock();
    return rc;
}

/* ------------------------------------------------------------------ error names */

static const struct { CUresult code; const char *name, *text; } errors[] = {
    {CUDA_SUCCESS, "CUDA_SUCCESS", "no error"},
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {CUDA_ERROR_DEINITIALIZED, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY", "device not ready"},
    {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch"},
    {CUDA_ERROR_LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
    {CUDA_ERROR_NOT_PERMITTED, "CUDA_ERROR_NOT_PERMITTED", "operation not permitted"},
    {CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"},
    {CUDA_ERROR_UNKNOWN, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

static CUresult error_lookup(CUresult code, const char **out, int text) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        if (errors[i].code == code) { *out = text ? errors[i].text : errors[i].name; return CUDA_SUCCESS; }
    }
    *out = NULL;
    return CUDA_ERROR_INVALID_VALUE;
}

FC_API CUresult cuGetErrorName(CUresult code, const char **out) { return error_lookup(code, out, 0); }
FC_API CUresult cuGetErrorString(CUresult code, const char **out) { return error_lookup(code, out, 1); }

/* ------------------------------------------------------------------ unload */

__attribute__((destructor)) static void fc_unload(void) {
    fc_lock();
    while (fc.ctxs != NULL) {
        fc_ctx *c = fc.ctxs;
        fc_drop_queues(c);
        fc_ctx_free_modules(c);
        fc_ctx_free_streams_events(c);
        fc_ctx_free_all(c);
        fc_free_pinned_of(c);
        unlink_ctx(c);
    }
    fc_free_pinned_of(NULL);
    fc_free_graves_streams_events();
    fc_free_graves_modules();
    for (fc_alloc *a = fc.dead_allocs, *n; a != NULL; a = n) { n = a->next; free(a); }
    for (fc_pinned *p = fc.dead_pinned, *n; p != NULL; p = n) { n = p->next; free(p->mem); free(p); }
    for (fc_ctx *c = fc.dead_ctxs, *n; c != NULL; c = n) { n = c->next; free(c); }
    fc.dead_allocs = NULL;
    fc.dead_pinned = NULL;
    fc.dead_ctxs = NULL;
    fc_unlock();
}
