/*
 * fc_mem.c: device allocations (fake addresses backed by poisoned host memory with a guard zone),
 * pinned host memory, and the copies and memsets (synchronous ones run at once after the legacy
 * streams; *Async ones are queued on their stream).
 */
#include "fakecuda.h"

#include <stdlib.h>
#include <string.h>

#define ADDR_GAP (1ULL << 20) /* unmapped fake address space between allocations */

/* ------------------------------------------------------------------ lookups */

static fc_alloc *alloc_containing(fc_alloc *list, CUdeviceptr p) {
    for (fc_alloc *a = list; a != NULL; a = a->next) if (p >= a->addr && p < a->addr + a->size) return a;
    return NULL;
}

/* [p, p+n) must lie inside ONE live allocation of context c; *out gets it. */
CUresult fc_device_range(fc_ctx *c, CUdeviceptr p, size_t n, const char *what, fc_alloc **out) {
    *out = NULL;
    fc_alloc *a = alloc_containing(c->allocs, p);
    if (a == NULL) {
        for (fc_ctx *o = fc.ctxs; o != NULL; o = o->next) {
            fc_alloc *x = o == c ? NULL : alloc_containing(o->allocs, p);
            if (x != NULL) return fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: device pointer 0x%llx belongs to context #%u, "
                                               "not to the current context #%u", what, p, o->id, c->id);
        }
        fc_alloc *d = alloc_containing(fc.dead_allocs, p);
        if (d != NULL) return fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: device pointer 0x%llx is in an allocation of %zu "
                                           "bytes that was freed (use after free)", what, p, d->size);
        return fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: 0x%llx is not a device pointer from cuMemAlloc", what, p);
    }
    if (n > a->size - (size_t) (p - a->addr)) {
        return fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: %zu bytes at offset %llu run %zu bytes past the end of a "
                            "%zu-byte allocation", what, n, p - a->addr, n - (a->size - (size_t) (p - a->addr)), a->size);
    }
    *out = a;
    return CUDA_SUCCESS;
}

static unsigned char *backing(const fc_alloc *a, CUdeviceptr p) { return a->mem + (p - a->addr); }

static fc_pinned *pinned_containing(fc_pinned *list, const unsigned char *h) {
    for (fc_pinned *p = list; p != NULL; p = p->next) if (h >= p->mem && h < p->mem + p->size) return p;
    return NULL;
}

/* The host side of an *Async copy: inside one live pinned allocation. */
CUresult fc_pinned_range(const void *host, size_t n, const char *what) {
    const unsigned char *h = host;
    fc_pinned *p = pinned_containing(fc.pinned, h);
    if (p == NULL) {
        return fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: host pointer %p is not pinned memory from cuMemHostAlloc/"
                            "cuMemAllocHost (pageable memory or a Java array in an async copy)", what, host);
    }
    if (n > p->size - (size_t) (h - p->mem)) {
        return fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: %zu host bytes run past the end of a %zu-byte pinned "
                            "allocation", what, n, p->size);
    }
    return CUDA_SUCCESS;
}

/* ------------------------------------------------------------------ device allocations */

FC_API CUresult cuMemAlloc_v2(CUdeviceptr *out, size_t size) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS && size == 0) rc = CUDA_ERROR_INVALID_VALUE;
    if (rc == CUDA_SUCCESS && fc_countdown(K_OOM_DEVICE_AT)) {
        fc_note("cuMemAlloc(%zu): injected CUDA_ERROR_OUT_OF_MEMORY (oom_device_at)", size);
        rc = CUDA_ERROR_OUT_OF_MEMORY;
    }
    if (rc == CUDA_SUCCESS && size > (size_t) fc.cfg[K_TOTAL_MEM] - fc.dev_bytes[c->device]) rc = CUDA_ERROR_OUT_OF_MEMORY;
    unsigned char *mem = rc == CUDA_SUCCESS ? malloc(size + FC_GUARD) : NULL;
    if (rc == CUDA_SUCCESS && mem == NULL) rc = CUDA_ERROR_OUT_OF_MEMORY;
    if (rc == CUDA_SUCCESS) {
        memset(mem, FC_POISON, size + FC_GUARD); /* uninitialised reads show as 0xCD */
        fc_alloc *a = calloc(1, sizeof *a);
        a->ctx = c;
        a->addr = fc.next_addr;
        a->size = size;
        a->mem = mem;
        a->next = c->allocs;
        c->allocs = a;
        fc.next_addr += ((size + 255) & ~(CUdeviceptr) 255) + ADDR_GAP;
        fc.dev_bytes[c->device] += size;
        fc.stat[S_DEVICE_BYTES_LIVE] += (long long) size;
        fc.stat[S_DEVICE_ALLOCS_LIVE]++;
        *out = a->addr;
    }
    fc_unlock();
    return rc;
}

static void bury_alloc(fc_ctx *c, fc_alloc *a) {
    for (fc_alloc **p = &c->allocs; *p != NULL; p = &(*p)->next) {
        if (*p == a) { *p = a->next; break; }
    }
    free(a->mem);
    a->mem = NULL;
    a->dead = 1;
    a->next = fc.dead_allocs;
    fc.dead_allocs = a;
    fc.dev_bytes[c->device] -= a->size;
    fc.stat[S_DEVICE_BYTES_LIVE] -= (long long) a->size;
    fc.stat[S_DEVICE_ALLOCS_LIVE]--;
}

FC_API CUresult cuMemFree_v2(CUdeviceptr p) {
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    fc_alloc *a = rc == CUDA_SUCCESS ? alloc_containing(c->allocs, p) : NULL;
    if (rc == CUDA_SUCCESS && (a == NULL || a->addr != p)) {
        fc_alloc *d = alloc_containing(fc.dead_allocs, p);
        if (d != NULL && d->addr == p) rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "cuMemFree: 0x%llx was already freed (double free)", p);
        else rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "cuMemFree: 0x%llx is not the start of a live allocation of the current "
                               "context #%u", p, c->id);
    }
    if (rc == CUDA_SUCCESS) {
        fc_flush_all(); /* like the real driver: queued work that may use it finishes first */
        bury_alloc(c, a);
    }
    fc_unlock();
    return rc;
}

/* Frees what a dying context still holds (fine, but worth a note: usually a missing cuMemFree). */
void fc_ctx_free_all(fc_ctx *c) {
    if (c->allocs != NULL) {
        size_t n = 0, bytes = 0;
        for (fc_alloc *a = c->allocs; a != NULL; a = a->next) { n++; bytes += a->size; }
        fc_note("context #%u destroyed with %zu live device allocation(s), %zu bytes: freed with it", c->id, n, bytes);
    }
    while (c->allocs != NULL) bury_alloc(c, c->allocs);
}

FC_API CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    if (free_bytes == NULL || total == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) {
        *total = (size_t) fc.cfg[K_TOTAL_MEM];
        *free_bytes = *total - fc.dev_bytes[c->device];
    }
    fc_unlock();
    return rc;
}

/* ------------------------------------------------------------------ pinned host memory */

static CUresult pinned_alloc(void **out, size_t size, const char *what) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS && size == 0) rc = CUDA_ERROR_INVALID_VALUE;
    if (rc == CUDA_SUCCESS && fc_countdown(K_OOM_PINNED_AT)) {
        fc_note("%s(%zu): injected CUDA_ERROR_OUT_OF_MEMORY (oom_pinned_at)", what, size);
        rc = CUDA_ERROR_OUT_OF_MEMORY;
    }
    unsigned char *mem = rc == CUDA_SUCCESS ? calloc(1, size) : NULL;
    if (rc == CUDA_SUCCESS && mem == NULL) rc = CUDA_ERROR_OUT_OF_MEMORY;
    if (rc == CUDA_SUCCESS) {
        fc_pinned *p = calloc(1, sizeof *p);
        p->mem = mem;
        p->size = size;
        p->ctx = c;
        p->next = fc.pinned;
        fc.pinned = p;
        fc.stat[S_PINNED_BYTES_LIVE] += (long long) size;
        fc.stat[S_PINNED_ALLOCS_LIVE]++;
        *out = mem;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuMemHostAlloc(void **out, size_t size, unsigned flags) {
    (void) flags;
    return pinned_alloc(out, size, "cuMemHostAlloc");
}

FC_API CUresult cuMemAllocHost_v2(void **out, size_t size) { return pinned_alloc(out, size, "cuMemAllocHost"); }

/* Moves p to the graves; keep_memory: its bytes stay mapped (a context died under it). */
static void bury_pinned(fc_pinned *p, int keep_memory) {
    for (fc_pinned **q = &fc.pinned; *q != NULL; q = &(*q)->next) {
        if (*q == p) { *q = p->next; break; }
    }
    if (!keep_memory) { free(p->mem); p->mem = NULL; }
    p->dead = 1;
    p->next = fc.dead_pinned;
    fc.dead_pinned = p;
    fc.stat[S_PINNED_BYTES_LIVE] -= (long long) p->size;
    fc.stat[S_PINNED_ALLOCS_LIVE]--;
}

FC_API CUresult cuMemFreeHost(void *host) {
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    fc_pinned *p = rc == CUDA_SUCCESS ? pinned_containing(fc.pinned, host) : NULL;
    if (rc == CUDA_SUCCESS && (p == NULL || p->mem != host)) {
        rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "cuMemFreeHost: %p is not the start of a live pinned allocation "
                          "(double free, or never pinned)", host);
    }
    if (rc == CUDA_SUCCESS) {
        fc_flush_all();
        bury_pinned(p, 0);
    }
    fc_unlock();
    return rc;
}

/* The pinned memory of a dying context (every context when c is NULL): unregistered, but the bytes
 * stay (until unload) so a host still holding a buffer on them reads stale data instead of crashing. */
void fc_free_pinned_of(fc_ctx *c) {
    for (fc_pinned *p = fc.pinned, *n; p != NULL; p = n) {
        n = p->next;
        if (c != NULL && p->ctx != c) continue;
        if (c != NULL) fc_note("context #%u destroyed with %zu bytes of pinned memory still allocated", c->id, p->size);
        bury_pinned(p, 1);
    }
}

/* ------------------------------------------------------------------ copies and memsets */

typedef struct {
    const char *what;
    int async;
    CUstream stream;
} call_info;

/* Queues op on the stream (async) or runs it now after the legacy streams (sync). */
static CUresult submit(fc_ctx *c, const call_info *ci, fc_op *op) {
    fc_stream *s = NULL;
    CUresult rc = ci->async ? fc_stream_of(c, ci->stream, &s) : CUDA_SUCCESS;
    if (rc != CUDA_SUCCESS) { free(op); return rc; }
    if (!ci->async) {
        fc_sync_legacy(c);
        s = &c->null_stream;
    }
    fc_enqueue(s, op);
    if (!ci->async) fc_run_until(s, op->seq);
    return CUDA_SUCCESS;
}

/* gbps: the rate the fake clock charges (about PCIe 4 for host copies, HBM for device ones). */
static CUresult copy_op(fc_ctx *c, const call_info *ci, void *dst, const void *src, size_t n, double gbps) {
    fc_op *op = fc_op_new(OP_COPY);
    op->ms_per_byte = 1.0 / (gbps * 1e6);
    op->dst = dst;
    op->src = src;
    op->bytes = n;
    return submit(c, ci, op);
}

static CUresult htod(CUdeviceptr dst, const void *src, size_t n, const call_info *ci) {
    fc_lock();
    fc_ctx *c;
    fc_alloc *a = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS && n > 0) rc = fc_device_range(c, dst, n, ci->what, &a);
    if (rc == CUDA_SUCCESS && n > 0 && ci->async) rc = fc_pinned_range(src, n, ci->what);
    if (rc == CUDA_SUCCESS && n > 0) rc = copy_op(c, ci, backing(a, dst), src, n, 20.0);
    if (rc == CUDA_SUCCESS) fc.stat[S_HTOD_BYTES] += (long long) n;
    fc_unlock();
    return rc;
}

static CUresult dtoh(void *dst, CUdeviceptr src, size_t n, const call_info *ci) {
    fc_lock();
    fc_ctx *c;
    fc_alloc *a = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS && n > 0) rc = fc_device_range(c, src, n, ci->what, &a);
    if (rc == CUDA_SUCCESS && n > 0 && ci->async) rc = fc_pinned_range(dst, n, ci->what);
    if (rc == CUDA_SUCCESS && n > 0) rc = copy_op(c, ci, dst, backing(a, src), n, 20.0);
    if (rc == CUDA_SUCCESS) fc.stat[S_DTOH_BYTES] += (long long) n;
    fc_unlock();
    return rc;
}

static CUresult dtod(CUdeviceptr dst, CUdeviceptr src, size_t n, const call_info *ci) {
    fc_lock();
    fc_ctx *c;
    fc_alloc *a = NULL, *b = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS && n > 0) rc = fc_device_range(c, dst, n, ci->what, &a);
    if (rc == CUDA_SUCCESS && n > 0) rc = fc_device_range(c, src, n, ci->what, &b);
    if (rc == CUDA_SUCCESS && n > 0) rc = copy_op(c, ci, backing(a, dst), backing(b, src), n, 500.0);
    if (rc == CUDA_SUCCESS) fc.stat[S_DTOD_BYTES] += (long long) n;
    fc_unlock();
    return rc;
}

FC_API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
    call_info ci = {"cuMemcpyHtoD", 0, NULL};
    return htod(dst, src, n, &ci);
}

FC_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, CUstream s) {
    call_info ci = {"cuMemcpyHtoDAsync", 1, s};
    return htod(dst, src, n, &ci);
}

FC_API CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
    call_info ci = {"cuMemcpyDtoH", 0, NULL};
    return dtoh(dst, src, n, &ci);
}

FC_API CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, CUstream s) {
    call_info ci = {"cuMemcpyDtoHAsync", 1, s};
    return dtoh(dst, src, n, &ci);
}

FC_API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    call_info ci = {"cuMemcpyDtoD", 0, NULL};
    return dtod(dst, src, n, &ci);
}

FC_API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
    call_info ci = {"cuMemcpyDtoDAsync", 1, s};
    return dtod(dst, src, n, &ci);
}

/* width: 1 or 4 bytes an element; n elements. */
static CUresult memset_n(CUdeviceptr dst, unsigned value, size_t n, int width, const call_info *ci) {
    fc_lock();
    fc_ctx *c;
    fc_alloc *a = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS && width == 4 && dst % 4 != 0)
        rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "%s: 0x%llx is not 4-byte aligned", ci->what, dst);
    if (rc == CUDA_SUCCESS && n > 0) rc = fc_device_range(c, dst, n * (size_t) width, ci->what, &a);
    if (rc == CUDA_SUCCESS && n > 0) {
        fc_op *op = fc_op_new(width == 1 ? OP_MEMSET8 : OP_MEMSET32);
        op->dst = backing(a, dst);
        op->bytes = n;
        op->value = value;
        rc = submit(c, ci, op);
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char v, size_t n) {
    call_info ci = {"cuMemsetD8", 0, NULL};
    return memset_n(dst, v, n, 1, &ci);
}

FC_API CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char v, size_t n, CUstream s) {
    call_info ci = {"cuMemsetD8Async", 1, s};
    return memset_n(dst, v, n, 1, &ci);
}

FC_API CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned v, size_t n) {
    call_info ci = {"cuMemsetD32", 0, NULL};
    return memset_n(dst, v, n, 4, &ci);
}

FC_API CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned v, size_t n, CUstream s) {
    call_info ci = {"cuMemsetD32Async", 1, s};
    return memset_n(dst, v, n, 4, &ci);
}
