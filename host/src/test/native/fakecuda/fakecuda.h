/*
 * fakecuda.h: the internals of the fake CUDA driver (a test double named libcuda.so.1, in the spirit
 * of Vulkan's MockICD). Types and numbers follow the CUDA driver API's documented ABI; nothing here
 * is copied from NVIDIA's cuda.h.
 *
 * State model (everything below is guarded by one global mutex, fc_lock/fc_unlock):
 *
 *   fc_state ── ctxs ──> fc_ctx ──┬── null_stream (the legacy default stream, flags 0)
 *      │                          ├── streams ──> fc_stream ── head..tail: fc_op queue (copy, memset,
 *      │                          │                             launch, event record, event wait, host fn)
 *      │                          ├── events  ──> fc_event  (stream + seq of its latest record)
 *      │                          ├── modules ──> fc_module ── funcs[]: fc_function -> fc_kernel (C body)
 *      │                          └── allocs  ──> fc_alloc  (fake device address -> malloc'd backing)
 *      ├── pinned ──> fc_pinned (cuMemHostAlloc / cuMemAllocHost memory, a real host pointer)
 *      └── graves: every destroyed handle (context, stream, event, module, allocation), kept with
 *                  dead=1 until the library is unloaded, so a stale handle is named, never reused.
 *
 *   Each thread has a context stack (thread-local); its top is the current context.
 *   Work queued on a stream runs only at a synchronising call (fc_run_until); every op has a global
 *   sequence number, and the legacy ordering (null stream vs. blocking streams) is enforced by running
 *   the other side up to an op's sequence number before the op itself.
 */
#ifndef FAKECUDA_H
#define FAKECUDA_H

#include <stddef.h>
#include <stdint.h>

#define FC_API __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct fc_ctx *CUcontext;
typedef struct fc_stream *CUstream;
typedef struct fc_event *CUevent;
typedef struct fc_module *CUmodule;
typedef struct fc_function *CUfunction;
typedef int CUjit_option;

enum {
    CUDA_SUCCESS = 0, CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3, CUDA_ERROR_DEINITIALIZED = 4, CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101, CUDA_ERROR_INVALID_IMAGE = 200, CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_INVALID_PTX = 218, CUDA_ERROR_INVALID_HANDLE = 400, CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600, CUDA_ERROR_ILLEGAL_ADDRESS = 700, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_FAILED = 719, CUDA_ERROR_NOT_PERMITTED = 800, CUDA_ERROR_NOT_SUPPORTED = 801, CUDA_ERROR_UNKNOWN = 999
};

enum { FC_JIT_WALL_TIME = 2, FC_JIT_INFO_LOG_BUFFER = 3, FC_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
       FC_JIT_ERROR_LOG_BUFFER = 5, FC_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6 };
enum { FC_STREAM_NON_BLOCKING = 0x1, FC_EVENT_BLOCKING_SYNC = 0x1, FC_EVENT_DISABLE_TIMING = 0x2, FC_CTX_SCHED_MASK = 0x7,
       FC_CTX_SCHED_BLOCKING_SYNC = 0x4 };

#define FC_MAX_PARAMS 8
#define FC_MAX_DEVICES 16
#define FC_POISON 0xCD
#define FC_GUARD 256 /* bytes after each device allocation, checked after every launch */

/* ------------------------------------------------------------------ kernels (fc_kernels.c) */
typedef enum { FC_P_PTR, FC_P_I32, FC_P_F32 } fc_param;
typedef struct { uint64_t v[FC_MAX_PARAMS]; } fc_args; /* pointers already translated to host memory */
typedef struct fc_kernel {
    const char *name;
    int nparams;
    fc_param params[FC_MAX_PARAMS];
    void (*run)(const fc_args *a); /* one emulated thread; reads gp_emu_* for its index */
} fc_kernel;
const fc_kernel *fc_kernel_find(const char *name);
const char *fc_param_name(fc_param p);

/* ------------------------------------------------------------------ handles */
typedef struct fc_alloc {
    struct fc_ctx *ctx;
    CUdeviceptr addr;
    size_t size;
    unsigned char *mem; /* size + FC_GUARD bytes; NULL once freed */
    int dead;
    struct fc_alloc *next;
} fc_alloc;

typedef struct fc_pinned {
    unsigned char *mem;
    size_t size;
    struct fc_ctx *ctx;
    int dead;
    struct fc_pinned *next;
} fc_pinned;

typedef struct fc_launch {
    const fc_kernel *kernel;
    unsigned grid[3], block[3];
    fc_args args;
    fc_alloc *allocs[FC_MAX_PARAMS]; /* the allocation behind each pointer argument (guard check) */
} fc_launch;

typedef enum { OP_COPY, OP_MEMSET8, OP_MEMSET32, OP_LAUNCH, OP_RECORD, OP_WAIT, OP_HOST } fc_op_kind;
typedef struct fc_op {
    fc_op_kind kind;
    unsigned long long seq;
    void *dst;
    const void *src; /* OP_COPY: read when the op runs, not when it is queued */
    size_t bytes;    /* OP_COPY bytes, OP_MEMSET* element count */
    unsigned value;
    double ms_per_byte;  /* OP_COPY: the fake clock's cost (timings are not real) */
    struct fc_event *event;       /* OP_RECORD */
    struct fc_stream *wait_on;    /* OP_WAIT: run this stream ... */
    unsigned long long wait_seq;  /* ... up to this op first */
    fc_launch *launch;
    void (*host_fn)(void *);      /* OP_HOST (cuLaunchHostFunc): runs under the driver lock */
    void *host_user;
    struct fc_op *next;
} fc_op;

typedef struct fc_stream {
    struct fc_ctx *ctx;
    unsigned flags;
    int is_null;
    int dead;
    fc_op *head, *tail;
    struct fc_stream *next;
} fc_stream;

typedef struct fc_event {
    struct fc_ctx *ctx;
    unsigned flags;
    fc_stream *stream;           /* of the latest record */
    unsigned long long rec_seq;  /* its op's sequence number */
    int pending, recorded, dead;
    double time_ms;
    struct fc_event *next;
} fc_event;

typedef struct fc_function {
    struct fc_module *module;
    const fc_kernel *kernel;
} fc_function;

typedef struct fc_module {
    struct fc_ctx *ctx;
    int nfuncs, dead;
    fc_function *funcs;
    struct fc_module *next;
} fc_module;

typedef struct fc_ctx {
    unsigned id;
    int device, dead;
    unsigned flags;
    CUresult sticky; /* a launch fault: every later call in this context returns it */
    fc_stream null_stream;
    fc_stream *streams;
    fc_event *events;
    fc_module *modules;
    fc_alloc *allocs;
    struct fc_ctx *next;
} fc_ctx;

/* ------------------------------------------------------------------ config and stats */
enum { K_OOM_DEVICE_AT, K_OOM_PINNED_AT, K_STICKY_LAUNCH_ERROR, K_STICKY_LAUNCH_AT, K_REFUSE_PTX,
       K_DEVICE_COUNT, K_TOTAL_MEM, K_COMPUTE_CAPABILITY, K_NO_DEVICE,
       /* read by the fake nvJPEG (fn_nvjpeg.c) through fakecuda_get / fakecuda_countdown */
       K_NVJPEG_NO_HARDWARE, K_NVJPEG_FAIL_DECODE_AT, K_NVJPEG_ALLOC_FAIL_AT, K_NKEYS };
enum { S_CONTEXTS_CREATED, S_CONTEXTS_LIVE, S_MODULES_LOADED, S_LAUNCHES, S_HTOD_BYTES, S_DTOH_BYTES,
       S_DTOD_BYTES, S_VIOLATIONS, S_DEVICE_BYTES_LIVE, S_PINNED_BYTES_LIVE, S_DEVICE_ALLOCS_LIVE,
       S_PINNED_ALLOCS_LIVE, S_STREAMS_LIVE, S_EVENTS_LIVE, S_OPS_DEFERRED, S_SPIN_WAITS, S_HOST_FUNCS,
       /* kept by the fake nvJPEG through fakecuda_stat_add */
       S_NVJPEG_HANDLES_LIVE, S_NVJPEG_OBJECTS_LIVE, S_NVJPEG_BATCHED_CALLS, S_NVJPEG_IMAGES_DECODED,
       S_NVJPEG_HW_IMAGES_DECODED, S_NVJPEG_IMAGES_ENCODED, S_NSTATS };

typedef struct fc_state {
    int initialized, config_read;
    long long cfg[K_NKEYS];
    long long stat[S_NSTATS];
    unsigned next_ctx_id;
    unsigned long long next_seq;
    CUdeviceptr next_addr;
    double clock_ms;           /* fake device time: advances as queued work runs */
    size_t dev_bytes[FC_MAX_DEVICES];
    fc_ctx *ctxs;
    fc_pinned *pinned;
    /* graves */
    fc_ctx *dead_ctxs;
    fc_stream *dead_streams;
    fc_event *dead_events;
    fc_module *dead_modules;
    fc_alloc *dead_allocs;
    fc_pinned *dead_pinned;
    int in_host_fn;            /* an OP_HOST function is running: CUDA calls from it are violations */
    char last_violation[512];
} fc_state;

extern fc_state fc;

/* fc_core.c */
void fc_lock(void);
void fc_unlock(void);
CUresult fc_violation(CUresult code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fc_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
CUresult fc_need_ctx(fc_ctx **out);            /* current context, live, not sticky */
CUresult fc_need_ctx_any(fc_ctx **out);        /* current context, live (sticky allowed) */
int fc_countdown(int key);                      /* 1 when the Nth-from-now fault fires */
int fc_key_index(const char *key);              /* -1 if unknown */
int fc_stat_index(const char *name);            /* -1 if unknown */
void fc_ctx_free_all(fc_ctx *c);                /* fc_mem.c: allocations of a dying context */

/* fc_mem.c */
CUresult fc_device_range(fc_ctx *c, CUdeviceptr p, size_t n, const char *what, fc_alloc **out);
CUresult fc_pinned_range(const void *h, size_t n, const char *what);
void fc_free_pinned_of(fc_ctx *c);

/* fc_stream.c */
CUresult fc_stream_of(fc_ctx *c, CUstream h, fc_stream **out);
fc_op *fc_op_new(fc_op_kind kind);
void fc_enqueue(fc_stream *s, fc_op *op);
void fc_run_until(fc_stream *s, unsigned long long seq);
void fc_flush_ctx(fc_ctx *c);
void fc_count_spin_ctx(const fc_ctx *c);
void fc_flush_all(void);
void fc_sync_legacy(fc_ctx *c);
void fc_drop_queues(fc_ctx *c);
void fc_ctx_free_streams_events(fc_ctx *c);
void fc_free_graves_streams_events(void);

/* fc_module.c */
void fc_run_launch(const fc_launch *l);
void fc_ctx_free_modules(fc_ctx *c);
void fc_free_graves_modules(void);

/* fc_hooks.c and fc_core.c: the exported test-only hooks the fake nvJPEG (fn_*.c) links against */
FC_API void fakecuda_lock(void);
FC_API void fakecuda_unlock(void);
FC_API CUresult fakecuda_current_context(CUcontext *out, const char *what);
FC_API void *fakecuda_device_host(CUdeviceptr p, size_t n, const char *what);
FC_API CUresult fakecuda_stream_check(CUstream h, const char *what);
FC_API int fakecuda_violation(int code, const char *message);
FC_API int fakecuda_set(const char *key, long long value);
FC_API long long fakecuda_get(const char *key);
FC_API int fakecuda_countdown(const char *key);
FC_API void fakecuda_stat_add(const char *name, long long delta);
FC_API CUresult cuLaunchHostFunc(CUstream sh, void (*fn)(void *), void *user);
FC_API CUresult cuStreamSynchronize(CUstream h);

#endif /* FAKECUDA_H */
