/*
 * fc_stream.c: streams, events and the deferred work queues. Nothing queued runs until a
 * synchronising call asks for it (fc_run_until); an op first makes the work it is ordered after run:
 * on the legacy null stream, everything earlier on the context's blocking streams; on a blocking
 * stream, everything earlier on the null stream; for cuStreamWaitEvent, the other stream up to the
 * event's record. Sequence numbers only grow, so this recursion always ends.
 */
#include "fakecuda.h"

#include <stdlib.h>
#include <string.h>

#define LEGACY_STREAM ((CUstream) 0x1)
#define PER_THREAD_STREAM ((CUstream) 0x2)

/* ------------------------------------------------------------------ queues */

fc_op *fc_op_new(fc_op_kind kind) {
    fc_op *op = calloc(1, sizeof *op);
    op->kind = kind;
    return op;
}

void fc_enqueue(fc_stream *s, fc_op *op) {
    op->seq = ++fc.next_seq;
    op->next = NULL;
    if (s->tail != NULL) s->tail->next = op; else s->head = op;
    s->tail = op;
    fc.stat[S_OPS_DEFERRED]++;
}

static void free_op(fc_op *op) {
    free(op->launch);
    free(op);
}

static int blocking(const fc_stream *s) { return !s->is_null && !(s->flags & FC_STREAM_NON_BLOCKING); }

/* Runs whatever op with sequence number seq is ordered after (the legacy stream semantics). */
static void order_before(fc_stream *s, unsigned long long seq) {
    if (s->is_null) {
        for (fc_stream *b = s->ctx->streams; b != NULL; b = b->next) if (blocking(b)) fc_run_until(b, seq - 1);
    } else if (blocking(s)) {
        fc_run_until(&s->ctx->null_stream, seq - 1);
    }
}

static void execute(fc_op *op) {
    switch (op->kind) {
        case OP_COPY:
            memmove(op->dst, op->src, op->bytes);
            fc.clock_ms += 0.001 + (double) op->bytes * op->ms_per_byte; /* plausible, not real */
            break;
        case OP_MEMSET8:
            memset(op->dst, (int) (op->value & 0xFF), op->bytes);
            break;
        case OP_MEMSET32:
            for (size_t i = 0; i < op->bytes; i++) memcpy((unsigned char *) op->dst + 4 * i, &op->value, 4);
            break;
        case OP_LAUNCH:
            fc_run_launch(op->launch);
            fc.clock_ms += 0.01;
            break;
        case OP_RECORD:
            if (op->event->rec_seq == op->seq) {
                op->event->pending = 0;
                op->event->time_ms = fc.clock_ms;
            }
            fc.clock_ms += 0.001;
            break;
        case OP_WAIT:
            fc_run_until(op->wait_on, op->wait_seq);
            break;
        case OP_HOST:
            fc.in_host_fn++;
            op->host_fn(op->host_user);
            fc.in_host_fn--;
            fc.stat[S_HOST_FUNCS]++;
            fc.clock_ms += 0.001;
            break;
    }
}

/* Runs the ops of s whose sequence number is <= seq, in order. */
void fc_run_until(fc_stream *s, unsigned long long seq) {
    while (s->head != NULL && s->head->seq <= seq) {
        fc_op *op = s->head;
        order_before(s, op->seq);
        s->head = op->next;
        if (s->head == NULL) s->tail = NULL;
        execute(op);
        free_op(op);
    }
}

void fc_flush_ctx(fc_ctx *c) {
    fc_run_until(&c->null_stream, ~0ULL);
    for (fc_stream *s = c->streams; s != NULL; s = s->next) fc_run_until(s, ~0ULL);
}

void fc_flush_all(void) {
    for (fc_ctx *c = fc.ctxs; c != NULL; c = c->next) if (c->sticky == CUDA_SUCCESS) fc_flush_ctx(c);
}

/* What a synchronous copy or memset waits for: the null stream and the blocking streams. */
void fc_sync_legacy(fc_ctx *c) {
    unsigned long long now = fc.next_seq;
    fc_run_until(&c->null_stream, now);
    for (fc_stream *s = c->streams; s != NULL; s = s->next) if (blocking(s)) fc_run_until(s, now);
}

static void drop(fc_stream *s) {
    while (s->head != NULL) {
        fc_op *op = s->head;
        s->head = op->next;
        free_op(op);
    }
    s->tail = NULL;
}

/* A faulted context: its queued work never completes. Events stay pending-free (they just never fire). */
void fc_drop_queues(fc_ctx *c) {
    drop(&c->null_stream);
    for (fc_stream *s = c->streams; s != NULL; s = s->next) drop(s);
    for (fc_event *e = c->events; e != NULL; e = e->next) e->pending = 0;
}

/* ------------------------------------------------------------------ streams */

static fc_stream *find_stream(fc_stream *list, CUstream h) {
    for (fc_stream *s = list; s != NULL; s = s->next) if (s == h) return s;
    return NULL;
}

/* The stream a handle names in context c (NULL, CU_STREAM_LEGACY and per-thread: the null stream). */
CUresult fc_stream_of(fc_ctx *c, CUstream h, fc_stream **out) {
    *out = NULL;
    if (h == NULL || h == LEGACY_STREAM || h == PER_THREAD_STREAM) { *out = &c->null_stream; return CUDA_SUCCESS; }
    if ((*out = find_stream(c->streams, h)) != NULL) return CUDA_SUCCESS;
    for (fc_ctx *o = fc.ctxs; o != NULL; o = o->next) {
        if (find_stream(o->streams, h) != NULL) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "stream %p belongs to context #%u, "
                                                                    "not to the current context #%u", (void *) h, o->id, c->id);
    }
    if (find_stream(fc.dead_streams, h) != NULL) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "stream %p was destroyed", (void *) h);
    return fc_violation(CUDA_ERROR_INVALID_HANDLE, "%p is not a stream", (void *) h);
}

FC_API CUresult cuStreamCreate(CUstream *out, unsigned flags) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) {
        fc_stream *s = calloc(1, sizeof *s);
        s->ctx = c;
        s->flags = flags;
        s->next = c->streams;
        c->streams = s;
        fc.stat[S_STREAMS_LIVE]++;
        *out = s;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuStreamCreateWithPriority(CUstream *out, unsigned flags, int priority) {
    (void) priority;
    return cuStreamCreate(out, flags);
}

static void bury_stream(fc_ctx *c, fc_stream *s) {
    for (fc_stream **p = &c->streams; *p != NULL; p = &(*p)->next) {
        if (*p == s) { *p = s->next; break; }
    }
    drop(s);
    s->dead = 1;
    s->next = fc.dead_streams;
    fc.dead_streams = s;
    fc.stat[S_STREAMS_LIVE]--;
}

/* A handle that must be a created stream (not the null stream) of c. */
static CUresult own_stream(fc_ctx *c, CUstream h, fc_stream **out) {
    CUresult rc = fc_stream_of(c, h, out);
    if (rc == CUDA_SUCCESS && (*out)->is_null) rc = fc_violation(CUDA_ERROR_INVALID_HANDLE, "the null stream cannot be destroyed");
    return rc;
}

FC_API CUresult cuStreamDestroy_v2(CUstream h) {
    fc_lock();
    fc_ctx *c;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = own_stream(c, h, &s);
    if (rc == CUDA_SUCCESS) {
        fc_run_until(s, ~0ULL); /* the real driver finishes a destroyed stream's work */
        for (fc_event *e = c->events; e != NULL; e = e->next) if (e->stream == s) e->stream = NULL;
        bury_stream(c, s);
    }
    fc_unlock();
    return rc;
}

/*
 * A real driver spins a CPU core through a wait unless the context was made with
 * CU_CTX_SCHED_BLOCKING_SYNC (stream and context waits) or the event with CU_EVENT_BLOCKING_SYNC
 * (event waits): counted as spin_waits, so a test can show the host never burns a core waiting.
 */
void fc_count_spin_ctx(const fc_ctx *c) {
    if ((c->flags & FC_CTX_SCHED_MASK) != FC_CTX_SCHED_BLOCKING_SYNC) fc.stat[S_SPIN_WAITS]++;
}

FC_API CUresult cuStreamSynchronize(CUstream h) {
    fc_lock();
    fc_ctx *c;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) fc_count_spin_ctx(c);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, h, &s);
    if (rc == CUDA_SUCCESS) fc_run_until(s, ~0ULL);
    fc_unlock();
    return rc;
}

/* NOT_READY while work is queued (and then runs it, so that polling ends). */
FC_API CUresult cuStreamQuery(CUstream h) {
    fc_lock();
    fc_ctx *c;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, h, &s);
    if (rc == CUDA_SUCCESS && s->head != NULL) {
        fc_run_until(s, ~0ULL);
        rc = CUDA_ERROR_NOT_READY;
    }
    fc_unlock();
    return rc;
}

/* ------------------------------------------------------------------ events */

static fc_event *find_event(fc_event *list, CUevent h) {
    for (fc_event *e = list; e != NULL; e = e->next) if (e == h) return e;
    return NULL;
}

static CUresult event_of(fc_ctx *c, CUevent h, fc_event **out) {
    if ((*out = find_event(c->events, h)) != NULL) return CUDA_SUCCESS;
    for (fc_ctx *o = fc.ctxs; o != NULL; o = o->next) {
        if (find_event(o->events, h) != NULL) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "event %p belongs to context #%u, "
                                                                  "not to the current context #%u", (void *) h, o->id, c->id);
    }
    if (find_event(fc.dead_events, h) != NULL) return fc_violation(CUDA_ERROR_INVALID_HANDLE, "event %p was destroyed", (void *) h);
    return fc_violation(CUDA_ERROR_INVALID_HANDLE, "%p is not an event", (void *) h);
}

FC_API CUresult cuEventCreate(CUevent *out, unsigned flags) {
    if (out == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) {
        fc_event *e = calloc(1, sizeof *e);
        e->ctx = c;
        e->flags = flags;
        e->next = c->events;
        c->events = e;
        fc.stat[S_EVENTS_LIVE]++;
        *out = e;
    }
    fc_unlock();
    return rc;
}

/* Runs the event's stream up to its latest record. */
static void complete_event(fc_event *e) {
    if (e->pending && e->stream != NULL) fc_run_until(e->stream, e->rec_seq);
    e->pending = 0;
}

static void bury_event(fc_ctx *c, fc_event *e) {
    for (fc_event **p = &c->events; *p != NULL; p = &(*p)->next) {
        if (*p == e) { *p = e->next; break; }
    }
    e->dead = 1;
    e->next = fc.dead_events;
    fc.dead_events = e;
    fc.stat[S_EVENTS_LIVE]--;
}

FC_API CUresult cuEventDestroy_v2(CUevent h) {
    fc_lock();
    fc_ctx *c;
    fc_event *e = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = event_of(c, h, &e);
    if (rc == CUDA_SUCCESS) {
        complete_event(e); /* its queued record must not outlive it */
        bury_event(c, e);
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuEventRecord(CUevent h, CUstream sh) {
    fc_lock();
    fc_ctx *c;
    fc_event *e = NULL;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = event_of(c, h, &e);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, sh, &s);
    if (rc == CUDA_SUCCESS) {
        fc_op *op = fc_op_new(OP_RECORD);
        op->event = e;
        fc_enqueue(s, op);
        e->stream = s;
        e->rec_seq = op->seq;
        e->pending = 1;
        e->recorded = 1;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuEventQuery(CUevent h) {
    fc_lock();
    fc_ctx *c;
    fc_event *e = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = event_of(c, h, &e);
    if (rc == CUDA_SUCCESS && e->pending) {
        complete_event(e);
        rc = CUDA_ERROR_NOT_READY;
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuEventSynchronize(CUevent h) {
    fc_lock();
    fc_ctx *c;
    fc_event *e = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = event_of(c, h, &e);
    if (rc == CUDA_SUCCESS && !(e->flags & FC_EVENT_BLOCKING_SYNC)) fc.stat[S_SPIN_WAITS]++;
    if (rc == CUDA_SUCCESS) complete_event(e);
    if (rc == CUDA_SUCCESS) rc = c->sticky;
    fc_unlock();
    return rc;
}

/* Fake times: each executed op advances a fake clock a little; the result is small and positive. */
FC_API CUresult cuEventElapsedTime(float *ms, CUevent start, CUevent stop) {
    if (ms == NULL) return CUDA_ERROR_INVALID_VALUE;
    fc_lock();
    fc_ctx *c;
    fc_event *a = NULL, *b = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = event_of(c, start, &a);
    if (rc == CUDA_SUCCESS) rc = event_of(c, stop, &b);
    if (rc == CUDA_SUCCESS && ((a->flags | b->flags) & FC_EVENT_DISABLE_TIMING))
        rc = fc_violation(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime on an event created with CU_EVENT_DISABLE_TIMING");
    if (rc == CUDA_SUCCESS && (!a->recorded || !b->recorded))
        rc = fc_violation(CUDA_ERROR_INVALID_HANDLE, "cuEventElapsedTime on an event that was never recorded");
    if (rc == CUDA_SUCCESS && (a->pending || b->pending)) rc = CUDA_ERROR_NOT_READY;
    if (rc == CUDA_SUCCESS) {
        double d = b->time_ms - a->time_ms;
        *ms = (float) (d > 0.0005 ? d : 0.0005);
    }
    fc_unlock();
    return rc;
}

FC_API CUresult cuStreamWaitEvent(CUstream sh, CUevent h, unsigned flags) {
    (void) flags;
    fc_lock();
    fc_ctx *c;
    fc_event *e = NULL;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, sh, &s);
    if (rc == CUDA_SUCCESS) rc = event_of(c, h, &e);
    if (rc == CUDA_SUCCESS && e->pending && e->stream != NULL && e->stream != s) {
        fc_op *op = fc_op_new(OP_WAIT);
        op->wait_on = e->stream;
        op->wait_seq = e->rec_seq;
        fc_enqueue(s, op);
    }
    fc_unlock();
    return rc;
}

/*
 * A host function, run in order with the stream's other work when the stream runs (at a synchronising
 * call, on the thread that makes it, under the driver lock). As in the real driver it must not call
 * CUDA: such a call is a violation here. Dropped unrun (its user data with it) if the context faults.
 */
FC_API CUresult cuLaunchHostFunc(CUstream sh, void (*fn)(void *), void *user) {
    fc_lock();
    fc_ctx *c;
    fc_stream *s = NULL;
    CUresult rc = fc_need_ctx(&c);
    if (rc == CUDA_SUCCESS) rc = fc_stream_of(c, sh, &s);
    if (rc == CUDA_SUCCESS && fn == NULL) rc = fc_violation(CUDA_ERROR_INVALID_VALUE, "cuLaunchHostFunc: fn is NULL");
    if (rc == CUDA_SUCCESS) {
        fc_op *op = fc_op_new(OP_HOST);
        op->host_fn = fn;
        op->host_user = user;
        fc_enqueue(s, op);
    }
    fc_unlock();
    return rc;
}

/* ------------------------------------------------------------------ teardown */

void fc_ctx_free_streams_events(fc_ctx *c) {
    while (c->events != NULL) bury_event(c, c->events);
    while (c->streams != NULL) bury_stream(c, c->streams);
    drop(&c->null_stream);
}

void fc_free_graves_streams_events(void) {
    for (fc_stream *s = fc.dead_streams, *n; s != NULL; s = n) { n = s->next; free(s); }
    for (fc_event *e = fc.dead_events, *n; e != NULL; e = n) { n = e->next; free(e); }
    fc.dead_streams = NULL;
    fc.dead_events = NULL;
}
