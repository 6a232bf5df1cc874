/*
 * fc_module.c: cuModuleLoadData(Ex) (a PTX parser that reads only the entries and their parameter
 * lists), functions, cuLaunchKernel (arguments copied and checked at the call, the grid run later on
 * the stream, one emulated thread after another) and the sticky-error fault.
 */
#include "fakecuda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local int gp_emu_block_x, gp_emu_block_dim_x, gp_emu_thread_x;

#define LOG_MAX 1024

/* ------------------------------------------------------------------ PTX */

/* The class of a PTX parameter type as the C bodies see it; -1 for anything else. */
static int ptx_param_class(const char *t) {
    if (!strncmp(t, ".u64", 4) || !strncmp(t, ".s64", 4) || !strncmp(t, ".b64", 4)) return FC_P_PTR;
    if (!strncmp(t, ".u32", 4) || !strncmp(t, ".s32", 4) || !strncmp(t, ".b32", 4)) return FC_P_I32;
    if (!strncmp(t, ".f32", 4)) return FC_P_F32;
    return -1;
}

/* Checks one entry's parameter list (text from after '(' to ')') against its C body. */
static CUresult check_params(const fc_kernel *k, const char *p, const char *end, char *log) {
    int n = 0;
    for (const char *q = strstr(p, ".param"); q != NULL && q < end; q = strstr(q + 6, ".param"), n++) {
        const char *t = q + 6;
        while (*t == ' ' || *t == '\t') t++;
        int cls = ptx_param_class(t);
        if (n >= k->nparams || cls != (int) k->params[n]) {
            snprintf(log, LOG_MAX, "fakecuda: entry %s: PTX parameter %d is '%.8s', the C body takes %s", k->name, n,
                     t, n < k->nparams ? fc_param_name(k->params[n]) : "no such parameter");
            return CUDA_ERROR_NOT_SUPPORTED;
        }
    }
    if (n != k->nparams) {
        snprintf(log, LOG_MAX, "fakecuda: entry %s: the PTX declares %d parameters, the C body takes %d", k->name, n, k->nparams);
        return CUDA_ERROR_NOT_SUPPORTED;
    }
    return CUDA_SUCCESS;
}

/* Finds every ".visible .entry NAME(" of the image; fills found[] (at most max). */
static CUresult parse_ptx(const char *ptx, const fc_kernel **found, int max, int *count, char *log) {
    *count = 0;
    if (strstr(ptx, ".version") == NULL || strstr(ptx, ".target") == NULL) {
        snprintf(log, LOG_MAX, "fakecuda: the image is not PTX text (no .version/.target); cubins are not supported");
        return CUDA_ERROR_INVALID_PTX;
    }
    for (const char *e = strstr(ptx, ".visible .entry"); e != NULL; e = strstr(e + 1, ".visible .entry")) {
        const char *name = e + 15;
        while (*name == ' ' || *name == '\t') name++;
        const char *open = strchr(name, '('), *close = open ? strchr(open, ')') : NULL;
        if (close == NULL) { snprintf(log, LOG_MAX, "fakecuda: malformed .entry"); return CUDA_ERROR_INVALID_PTX; }
        char buf[128];
        size_t len = (size_t) (open - name);
        while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\n' || name[len - 1] == '\t')) len--;
        snprintf(buf, sizeof buf, "%.*s", (int) len, name);
        const fc_kernel *k = fc_kernel_find(buf);
        if (k == NULL) {
            snprintf(log, LOG_MAX, "fakecuda: entry %s has no C body in the fake driver (add it to fc_kernels.c)", buf);
            return CUDA_ERROR_NOT_SUPPORTED;
        }
        CUresult rc = check_params(k, open + 1, close, log);
        if (rc != CUDA_SUCCESS) return rc;
        if (*count < max) found[(*count)++] = k;
    }
    return CUDA_SUCCESS;
}

/* ------------------------------------------------------------------ modules */

typedef struct {
    char *error_log, *info_log;
    size_t error_size, info_size;
    int error_size_at, info_size_at; /* option index of the *_SIZE_BYTES value, or -1 */
    int wall_time_at;
} jit_logs;

static void read_jit_options(unsigned n, const CUjit_option *opts, void **values, jit_logs *j) {
    memset(j, 0, sizeof *j);
    j->error_size_at = j->info_size_at = j->wall_time_at = -1;
    for (unsigned i = 0; opts != NULL && values != NULL && i < n; i++) {
        switch (opts[i]) {
            case FC_JIT_ERROR_LOG_BUFFER: j->error_log = values[i]; break;
            case FC_JIT_ERROR_LOG_BUFFER_SIZE_BYTES: j->error_size = (size_t) (uintptr_t) values[i]; j->error_size_at = (int) i; break;
            case FC_JIT_INFO_LOG_BUFFER: j->info_log = values[i]; break;
            case FC_JIT_INFO_LOG_BUFFER_SIZE_BYTES: j->info_size = (size_t) (uintptr_t) values[i]; j->info_size_at = (int) i; break;
            case FC_JIT_WALL_TIME: j->wall_time_at = (int) i; break;
            default: break;
        }
    }
}

/* Writes a NUL-terminated log into buf (size bytes) and the bytes used back into values[at]. */
static void write_log(char *buf, size_t size, int at, void **values, const char *text) {
    if (at < 0) return;
    size_t used = 0;
    if (buf != NULL && size > 0) {
        snprintf(buf, size, "%s", text);
        used = strlen(buf) + (text[0] != '\0');
    }
    values[at] = (void *) (uintptr_t) used;
}

static fc_module *new_module(fc_ctx *c, const fc_kernel **found, int n) {
    fc_module *m = calloc(1, sizeof *m);
    m->ctx = c;
    m->nfuncs = n;
    m->funcs = calloc((size_t) (n > 0 ? n : 1), sizeof *m->funcs);
    for (int i = 0; i < n; i++) {
        m->funcs[i].module = m;
        m->funcs[i].kernel = found[i];
    }
    m->next = c->modules;
    c->modules = m;
    fc.stat[S_MODULES_LOADED]++;
    return m;
}

static CUresult load(CUmodule *out, const void *image, char *error, char *info) {
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc != CUDA_SUCCESS) return rc;
    if (out == NULL || image == NULL) return CUDA_ERROR_INVALID_VALUE;
    if (fc.cfg[K_REFUSE_PTX]) {
        snprintf(error, LOG_MAX, "ptxas fatal: injected by fakecuda (refuse_ptx)");
        fc_note("cuModuleLoadData: refused (refuse_ptx): CUDA_ERROR_INVALID_PTX");
        return CUDA_ERROR_INVALID_PTX;
    }
    const fc_kernel *found[64];
    int n;
    rc = parse_ptx(image, found, 64, &n, error);
    if (rc != CUDA_SUCCESS) {
        fprintf(stderr, "fakecuda: cuModuleLoadData REFUSED (%d): %s\n", rc, error);
        return rc;
    }
    *out = new_module(c, found, n);
    snprintf(info, LOG_MAX, "fakecuda: %d entr%s bound to C bodies (CPU emulation; no JIT, no ptxas)", n, n == 1 ? "y" : "ies");
    return CUDA_SUCCESS;
}

FC_API CUresult cuModuleLoadDataEx(CUmodule *out, const void *image, unsigned n, CUjit_option *opts, void **values) {
    char error[LOG_MAX] = "", info[LOG_MAX] = "";
    jit_logs j;
    read_jit_options(n, opts, values, &j);
    fc_lock();
    CUresult rc = load(out, image, error, info);
    fc_unlock();
    if (values != NULL) {
        write_log(j.error_log, j.error_size, j.error_size_at, values, error);
        write_log(j.info_log, j.info_size, j.info_size_at, values, info);
        if (j.wall_time_at >= 0) { float ms = 0.01f; memcpy(&values[j.wall_time_at], &ms, sizeof ms); }
    }
    return rc;
}

FC_API CUresult cuModuleLoadData(CUmodule *out, const void *image) {
    return cuModuleLoadDataEx(out, image, 0, NULL, NULL);
}

static CUresult module_of(fc_ctx *c, CUmodule h, fc_module **out) {
    for (fc_module *m = c->modules; m != NULL; m = m->next) if (m == h) { *out = m; return CUDA_SUCCESS; }
    for (fc_ctx *o = fc.ctxs; o != NULL; o = o->next)
        for (fc_module *m = o->modules; m != NULL; m = m->next)
            if (m == h) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "module %p belongs to context #%u, not to the current "
                                            "context #%u", (void *) h, o->id, c->id);
    for (fc_module *m = fc.dead_modules; m != NULL; m = m->next)
        if (m == h) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "module %p was unloaded", (void *) h);
    return fc_violation(CUDA_ERROR_INVALID_HANDLE, "%p is not a module", (void *) h);
}

FC_API CUresult cuModuleGetFunction(CUfunction *out, CUmodule h, const char *name) {
    if (out == NULL || name == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    fc_module *m = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = module_of(c, h, &m);
    if (rc == CUDA_SUCCESS) {
        rc = CUDA_ERROR_NOT_FOUND;
        for (int i = 0; i < m->nfuncs; i++) {
            if (strcmp(m->funcs[i].kernel->name, name) == 0) { *out = &m->funcs[i]; rc = CUDA_SUCCESS; }
        }
    }
    fc_unlock();
    return rc;
}

static void bury_module(fc_ctx *c, fc_module *m) {
    for (fc_module **p = &c->modules; *p != NULL; p = &(*p)->next) {
        if (*p == m) { *p = m->next; break; }
    }
    m->dead = 1;
    m->next = fc.dead_modules;
    fc.dead_modules = m;
}

FC_API CUresult cuModuleUnload(CUmodule h) {
    fc_lock();
    fc_ctx *c;
    fc_module *m = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = module_of(c, h, &m);
    if (rc == CUDA_SUCCESS) {
        fc_flush_ctx(c); /* queued launches of its functions run first */
        bury_module(c, m);
    }
    fc_unlock();
    return rc;
}

void fc_ctx_free_modules(fc_ctx *c) {
    while (c->modules != NULL) bury_module(c, c->modules);
}

void fc_free_graves_modules(void) {
    for (fc_module *m = fc.dead_modules, *n; m != NULL; m = n) { n = m->next; free(m->funcs); free(m); }
    fc.dead_modules = NULL;
}

/* ------------------------------------------------------------------ functions and launches */

static CUresult function_of(fc_ctx *c, CUfunction h, fc_function **out) {
    for (fc_ctx *o = fc.ctxs; o != NULL; o = o->next)
        for (fc_module *m = o->modules; m != NULL; m = m->next)
            if (h >= m->funcs && h < m->funcs + m->nfuncs) {
                if (o != c) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "function %s belongs to context #%u, not to the "
                                                "current context #%u", h->kernel->name, o->id, c->id);
                *out = h;
                return CUDA_SUCCESS;
            }
    for (fc_module *m = fc.dead_modules; m != NULL; m = m->next)
        if (h >= m->funcs && h < m->funcs + m->nfuncs)
            return fc_violation(CUDA_ERROR_INVALID_HANDLE, "function %s: its module was unloaded", h->kernel->name);
    return fc_violation(CUDA_ERROR_INVALID_HANDLE, "%p is not a function", (void *) h);
}

FC_API CUresult cuFuncGetAttribute(int *value, int attr, CUfunction h) {
    if (value == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    fc_function *f = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = function_of(c, h, &f);
    if (rc == CUDA_SUCCESS) {
        static const int values[] = {1024, 0, 0, 0, 32, 70, 80, 0, 49152, 0}; /* max threads, smem, ..., regs, ptx, binary */
        *value = attr >= 0 && attr < 10 ? values[attr] : 0;
    }
    fc_unlock();
    return rc;
}

/* Copies and checks the arguments (as the real driver, at the call): pointers must be allocations. */
static CUresult pack_args(fc_ctx *c, const fc_kernel *k, void **params, fc_launch *l) {
    for (int i = 0; i < k->nparams; i++) {
        if (params[i] == NULL) return fc_violation(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel(%s): kernelParams[%d] is NULL", k->name, i);
        if (k->params[i] != FC_P_PTR) { memcpy(&l->args.v[i], params[i], 4); continue; }
        CUdeviceptr p;
        memcpy(&p, params[i], sizeof p);
        char what[96];
        snprintf(what, sizeof what, "cuLaunchKernel(%s) argument %d", k->name, i);
        CUresult rc = fc_device_range(c, p, 1, what, &l->allocs[i]);
        if (rc != CUDA_SUCCESS) return rc;
        l->args.v[i] = (uint64_t) (uintptr_t) (l->allocs[i]->mem + (p - l->allocs[i]->addr));
    }
    return CUDA_SUCCESS;
}

/* The sticky fault: the context is poisoned until destroyed, its queued work is lost. */
static CUresult inject_sticky(fc_ctx *c, const char *name) {
    c->sticky = (CUresult) fc.cfg[K_STICKY_LAUNCH_ERROR];
    fc_note("cuLaunchKernel(%s): injected sticky error %d; context #%u is unusable until destroyed", name, c->sticky, c->id);
    fc_drop_queues(c);
    return c->sticky;
}

FC_API CUresult cuLaunchKernel(CUfunction h, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                               unsigned shared, CUstream sh, void **params, void **extra) {
    (void) shared;
    fc_lock();
    fc_ctx *c;
    fc_function *f = NULL;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = function_of(c, h, &f);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, sh, &s);
    if (rc == CUDA_SUCCESS && (params == NULL || extra != NULL))
        rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel(%s): the fake takes kernelParams only (no 'extra')", f->kernel->name);
    if (rc == CUDA_SUCCESS && ((unsigned long long) gx * gy * gz == 0 || (unsigned long long) bx * by * bz == 0 || (unsigned long long) bx * by * bz > 1024))
        rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel(%s): bad geometry grid %ux%ux%u block %ux%ux%u",
                          f->kernel->name, gx, gy, gz, bx, by, bz);
    fc_launch *l = rc == CUDA_SUCCESS ? calloc(1, sizeof *l) : NULL;
    if (l != NULL) rc = pack_args(c, f->kernel, params, l);
    if (rc == CUDA_SUCCESS && fc.cfg[K_STICKY_LAUNCH_ERROR] != 0 && fc_countdown(K_STICKY_LAUNCH_AT)) rc = inject_sticky(c, f->kernel->name);
    if (rc == CUDA_SUCCESS) {
        l->kernel = f->kernel;
        unsigned g[3] = {gx, gy, gz}, b[3] = {bx, by, bz};
        memcpy(l->grid, g, sizeof g);
        memcpy(l->block, b, sizeof b);
        fc_op *op = fc_op_new(OP_LAUNCH);
        op->launch = l;
        fc_enqueue(s, op);
        fc.stat[S_LAUNCHES]++;
    } else {
        free(l);
    }
    fc_unlock();
    return rc;
}

/* The guard bytes after an allocation a kernel could write: still poison, or a violation. */
static void check_guards(const fc_launch *l) {
    for (int i = 0; i < l->kernel->nparams; i++) {
        const fc_alloc *a = l->allocs[i];
        if (a == NULL || a->mem == NULL) continue;
        for (size_t k = 0; k < FC_GUARD; k++) {
            if (a->mem[a->size + k] != FC_POISON) {
                fc_violation(CUDA_ERROR_ILLEGAL_ADDRESS, "kernel %s wrote past the end of the %zu-byte allocation of argument %d",
                             l->kernel->name, a->size, i);
                memset(a->mem + a->size, FC_POISON, FC_GUARD);
                break;
            }
        }
    }
}

/* Every thread of the grid, one after another (kernels use the x dimension only). */
void fc_run_launch(const fc_launch *l) {
    for (unsigned z = 0; z < l->grid[2] * l->grid[1]; z++) {
        for (unsigned b = 0; b < l->grid[0]; b++) {
            for (unsigned t = 0; t < l->block[0] * l->block[1] * l->block[2]; t++) {
                gp_emu_block_x = (int) b;
                gp_emu_block_dim_x = (int) l->block[0];
                gp_emu_thread_x = (int) (t % l->block[0]);
                l->kernel->run(&l->args);
            }
        }
    }
    check_guards(l);
}
