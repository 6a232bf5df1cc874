/*
 * fn_decode.c: the fake nvJPEG's decoding side: JPEG states and streams, nvjpegJpegStreamParse (its
 * own marker scan for the frame type and sampling, then TurboJPEG's header check),
 * nvjpegDecodeBatchedSupported, nvjpegDecodeBatchedInitialize and nvjpegDecodeBatched.
 *
 * nvjpegDecodeBatched decodes every image at the call (into a temporary host buffer), so a corrupt or
 * unsupported image fails the whole call with nothing queued; then it queues one host op per image
 * (cuLaunchHostFunc) that copies the pixels into the fake device memory when the stream runs.
 */
#include "fn_nvjpeg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ parsing */

static int be16(const unsigned char *p) { return p[0] << 8 | p[1]; }

/* The chroma subsampling nvJPEG would name, from the SOF's per-component sampling factors. */
static int css_of(int ncomp, const int *h, const int *v) {
    if (ncomp == 1) return NJ_CSS_GRAY;
    if (ncomp != 3 || h[1] != h[2] || v[1] != v[2] || h[1] == 0 || v[1] == 0 || h[0] % h[1] || v[0] % v[1]) return NJ_CSS_OTHER;
    int rh = h[0] / h[1], rv = v[0] / v[1];
    if (rh == 1 && rv == 1) return NJ_CSS_444;
    if (rh == 2 && rv == 1) return NJ_CSS_422;
    if (rh == 2 && rv == 2) return NJ_CSS_420;
    if (rh == 1 && rv == 2) return NJ_CSS_440;
    if (rh == 4 && rv == 1) return NJ_CSS_411;
    if (rh == 4 && rv == 2) return NJ_CSS_410;
    return NJ_CSS_OTHER;
}

/* 0 for a JPEG whose markers up to the frame header are sane and that TurboJPEG's header check takes. */
static int parse(const unsigned char *d, size_t n, nj_info *out) {
    memset(out, 0, sizeof *out);
    if (d == NULL || n < 4 || d[0] != 0xFF || d[1] != 0xD8) return -1;
    size_t pos = 2;
    for (;;) {
        if (pos >= n || d[pos] != 0xFF) return -1;
        while (pos < n && d[pos] == 0xFF) pos++;
        if (pos >= n) return -1;
        int m = d[pos++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue; /* standalone markers */
        if (m == 0xD9 || m == 0xDA || pos + 2 > n) return -1;  /* EOI or scan before any frame */
        size_t len = (size_t) be16(d + pos);
        if (len < 2 || pos + len > n) return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            const unsigned char *f = d + pos + 2;
            if (len < 8) return -1;
            out->sof = m;
            out->precision = f[0];
            out->height = be16(f + 1);
            out->width = be16(f + 3);
            out->ncomp = f[5];
            if (out->ncomp < 1 || out->ncomp > 4 || len < 8 + 3 * (size_t) out->ncomp) return -1;
            int h[4] = {0}, v[4] = {0};
            for (int i = 0; i < out->ncomp; i++) { h[i] = f[7 + 3 * i] >> 4; v[i] = f[7 + 3 * i] & 15; }
            out->css = css_of(out->ncomp, h, v);
            break;
        }
        pos += len;
    }
    int w, hgt, subsamp, cs;
    if (out->width <= 0 || out->height <= 0) return -1;
    if (tj.DecompressHeader3(tj.dec, d, (unsigned long) n, &w, &hgt, &subsamp, &cs) != 0) return -1;
    return w == out->width && hgt == out->height ? 0 : -1;
}

/* The hardware decoder: baseline 8-bit, 3 components in 4:4:4/4:2:2/4:2:0/4:4:0, or grey. */
static int supported(const nj_info *i, int backend) {
    if (i->precision != 8) return 0;
    if (backend == NJ_BACKEND_HARDWARE) {
        if (i->sof != 0xC0) return 0;
        return i->ncomp == 1 || (i->ncomp == 3 && (i->css == NJ_CSS_444 || i->css == NJ_CSS_422 || i->css == NJ_CSS_420 ||
                                                   i->css == NJ_CSS_440));
    }
    return (i->sof == 0xC0 || i->sof == 0xC1 || i->sof == 0xC2) && (i->ncomp == 1 || i->ncomp == 3);
}

/* ------------------------------------------------------------------ states and streams */

/* A child object of a live handle; with_stream: the call also names a stream, which must be valid. */
int nj_create(void *handle, void **out, nj_kind kind, const char *what, int with_stream, CUstream stream) {
    int st = nj_enter(what);
    nj_obj *h = NULL, *o = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS && with_stream) st = nj_check_stream(stream, what);
    if (st == NJ_SUCCESS && out == NULL) st = nj_violation(NJ_INVALID_PARAMETER, "%s: the output pointer is NULL", what);
    if (st == NJ_SUCCESS && (o = nj_new(kind, h)) == NULL) st = NJ_ALLOCATOR_FAILURE;
    if (st == NJ_SUCCESS) *out = o;
    return nj_leave(st);
}

int nj_destroy(void *p, nj_kind kind, const char *what) {
    int st = nj_enter(what);
    nj_obj *o = NULL;
    if (st == NJ_SUCCESS) st = nj_find(p, kind, NJ_ANY_OWNER, what, &o);
    if (st == NJ_SUCCESS) st = nj_bury(o);
    return nj_leave(st);
}

NJ_API int nvjpegJpegStateCreate(void *handle, void **state) {
    return nj_create(handle, state, NJ_JPEG_STATE, "nvjpegJpegStateCreate", 0, NULL);
}
NJ_API int nvjpegJpegStateDestroy(void *state) { return nj_destroy(state, NJ_JPEG_STATE, "nvjpegJpegStateDestroy"); }
NJ_API int nvjpegJpegStreamCreate(void *handle, void **stream) {
    return nj_create(handle, stream, NJ_JPEG_STREAM, "nvjpegJpegStreamCreate", 0, NULL);
}
NJ_API int nvjpegJpegStreamDestroy(void *stream) { return nj_destroy(stream, NJ_JPEG_STREAM, "nvjpegJpegStreamDestroy"); }

/* BAD_JPEG (no violation: bad input, not misuse) for data that is not a JPEG or has a corrupt header. */
NJ_API int nvjpegJpegStreamParse(void *handle, const unsigned char *data, size_t length, int save_metadata, int save_stream,
                                 void *jpeg_stream) {
    (void) save_metadata;
    (void) save_stream;
    const char *what = "nvjpegJpegStreamParse";
    int st = nj_enter(what);
    nj_obj *h = NULL, *s = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS) st = nj_find(jpeg_stream, NJ_JPEG_STREAM, h, what, &s);
    if (st == NJ_SUCCESS && (data == NULL || length == 0)) st = nj_violation(NJ_INVALID_PARAMETER, "%s: no data", what);
    if (st == NJ_SUCCESS) {
        s->parsed = parse(data, length, &s->info) == 0;
        if (!s->parsed) st = NJ_BAD_JPEG;
    }
    return nj_leave(st);
}

/* *is_supported: 0 = supported (nvJPEG's NVJPEG_DECODE_BATCHED_SUPPORTED), 1 = not. */
NJ_API int nvjpegDecodeBatchedSupported(void *handle, void *jpeg_stream, int *is_supported) {
    const char *what = "nvjpegDecodeBatchedSupported";
    int st = nj_enter(what);
    nj_obj *h = NULL, *s = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS) st = nj_find(jpeg_stream, NJ_JPEG_STREAM, h, what, &s);
    if (st == NJ_SUCCESS && is_supported == NULL) st = nj_violation(NJ_INVALID_PARAMETER, "%s: is_supported is NULL", what);
    if (st == NJ_SUCCESS && !s->parsed)
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: the stream holds no successfully parsed JPEG", what);
    if (st == NJ_SUCCESS) *is_supported = supported(&s->info, h->backend) ? 0 : 1;
    return nj_leave(st);
}

/* ------------------------------------------------------------------ batched decoding */

NJ_API int nvjpegDecodeBatchedInitialize(void *handle, void *state, int batch_size, int max_cpu_threads, int output_format) {
    (void) max_cpu_threads;
    const char *what = "nvjpegDecodeBatchedInitialize";
    int st = nj_enter(what);
    nj_obj *h = NULL, *s = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS) st = nj_find(state, NJ_JPEG_STATE, h, what, &s);
    if (st == NJ_SUCCESS && batch_size <= 0) st = nj_violation(NJ_INVALID_PARAMETER, "%s: batch_size %d", what, batch_size);
    if (st == NJ_SUCCESS && output_format != NJ_OUTPUT_RGBI) {
        fprintf(stderr, "fakenvjpeg: note: %s: output format %d is not implemented (only NVJPEG_OUTPUT_RGBI, 5)\n", what,
                output_format);
        st = NJ_INVALID_PARAMETER;
    }
    if (st == NJ_SUCCESS) {
        s->batch_size = batch_size;
        s->format = output_format;
    }
    return nj_leave(st);
}

typedef struct {
    unsigned char *dst; /* host backing of the device destination */
    size_t pitch;
    unsigned char *pixels; /* tightly packed RGB */
    int width, height;
} copy_job;

/* Runs when the stream reaches it (driver lock held, no CUDA calls allowed). */
static void copy_pixels(void *user) {
    copy_job *j = user;
    size_t row = (size_t) j->width * 3;
    for (int y = 0; y < j->height; y++) memcpy(j->dst + (size_t) y * j->pitch, j->pixels + (size_t) y * row, row);
    free(j->pixels);
    free(j);
}

static void free_jobs(copy_job *jobs, int n) {
    for (int i = 0; i < n; i++) free(jobs[i].pixels);
    free(jobs);
}

/*
 * The batch is the initialized batch_size: data[i], lengths[i] and destinations[i] for each i below
 * it. All-or-nothing: any failure returns before anything is queued.
 */
NJ_API int nvjpegDecodeBatched(void *handle, void *state, const unsigned char *const *data, const size_t *lengths,
                               nvjpegImage_t *destinations, CUstream stream) {
    const char *what = "nvjpegDecodeBatched";
    int st = nj_enter(what);
    nj_obj *h = NULL, *s = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS) st = nj_find(state, NJ_JPEG_STATE, h, what, &s);
    if (st == NJ_SUCCESS && s->batch_size == 0)
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: nvjpegDecodeBatchedInitialize was not called on this state", what);
    if (st == NJ_SUCCESS && (data == NULL || lengths == NULL || destinations == NULL))
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: data, lengths or destinations is NULL", what);
    if (st == NJ_SUCCESS) st = nj_check_stream(stream, what);
    if (st != NJ_SUCCESS) return nj_leave(st);
    int n = s->batch_size;
    fakecuda_stat_add("nvjpeg_batched_calls", 1);
    for (int i = 0; i < n; i++) {
        if (data[i] == NULL || lengths[i] == 0)
            return nj_leave(nj_violation(NJ_INVALID_PARAMETER, "%s: image %d of the initialized batch of %d has no data "
                                         "(a batch smaller than batch_size? re-initialize for another size)", what, i, n));
    }
    if (fakecuda_countdown("nvjpeg_fail_decode_at")) {
        fprintf(stderr, "fakenvjpeg: note: %s: injected NVJPEG_STATUS_EXECUTION_FAILED (nvjpeg_fail_decode_at)\n", what);
        return nj_leave(NJ_EXECUTION_FAILED);
    }
    if (fakecuda_countdown("nvjpeg_alloc_fail_at")) {
        fprintf(stderr, "fakenvjpeg: note: %s: injected NVJPEG_STATUS_ALLOCATOR_FAILURE (nvjpeg_alloc_fail_at)\n", what);
        return nj_leave(NJ_ALLOCATOR_FAILURE);
    }
    copy_job *jobs = calloc((size_t) n, sizeof *jobs);
    if (jobs == NULL) return nj_leave(NJ_ALLOCATOR_FAILURE);
    for (int i = 0; i < n && st == NJ_SUCCESS; i++) {
        nj_info info;
        if (parse(data[i], lengths[i], &info) != 0) {
            fprintf(stderr, "fakenvjpeg: note: %s: image %d is not a readable JPEG: NVJPEG_STATUS_BAD_JPEG\n", what, i);
            st = NJ_BAD_JPEG;
            break;
        }
        if (!supported(&info, h->backend)) {
            fprintf(stderr, "fakenvjpeg: note: %s: image %d (SOF 0x%X, %d-bit, %d components) is not supported by the %s "
                    "backend: NVJPEG_STATUS_JPEG_NOT_SUPPORTED\n", what, i, info.sof, info.precision, info.ncomp,
                    h->backend == NJ_BACKEND_HARDWARE ? "hardware" : "hybrid");
            st = NJ_JPEG_NOT_SUPPORTED;
            break;
        }
        size_t row = (size_t) info.width * 3;
        nvjpegImage_t *d = &destinations[i];
        if (d->pitch[0] < row) {
            st = nj_violation(NJ_INVALID_PARAMETER, "%s: destinations[%d].pitch[0] = %zu is less than width*3 = %zu", what,
                              i, d->pitch[0], row);
            break;
        }
        char where[96];
        snprintf(where, sizeof where, "%s: destinations[%d].channel[0] (%dx%d RGBI, pitch %zu)", what, i, info.width,
                 info.height, d->pitch[0]);
        jobs[i].dst = fakecuda_device_host((CUdeviceptr) (uintptr_t) d->channel[0], d->pitch[0] * (size_t) info.height, where);
        if (jobs[i].dst == NULL) { st = NJ_INVALID_PARAMETER; break; }
        jobs[i].pitch = d->pitch[0];
        jobs[i].width = info.width;
        jobs[i].height = info.height;
        jobs[i].pixels = malloc(row * (size_t) info.height);
        if (jobs[i].pixels == NULL) { st = NJ_ALLOCATOR_FAILURE; break; }
        /* a warning (truncated data, a corrupt scan) is an error too, as nvJPEG fails such an image */
        if (tj.Decompress2(tj.dec, data[i], (unsigned long) lengths[i], jobs[i].pixels, info.width, (int) row, info.height,
                           TJPF_RGB, TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING) != 0) {
            fprintf(stderr, "fakenvjpeg: note: %s: image %d: %s: NVJPEG_STATUS_BAD_JPEG\n", what, i, tj.GetErrorStr2(tj.dec));
            st = NJ_BAD_JPEG;
        }
    }
    if (st != NJ_SUCCESS) { free_jobs(jobs, n); return nj_leave(st); }
    for (int i = 0; i < n; i++) {
        copy_job *j = malloc(sizeof *j);
        *j = jobs[i];
        jobs[i].pixels = NULL;
        if (cuLaunchHostFunc(stream, copy_pixels, j) != CUDA_SUCCESS) { /* checked above: cannot happen */
            free(j->pixels);
            free(j);
            st = NJ_EXECUTION_FAILED;
        }
    }
    free_jobs(jobs, n);
    if (st == NJ_SUCCESS) {
        fakecuda_stat_add("nvjpeg_images_decoded", n);
        if (h->backend == NJ_BACKEND_HARDWARE) fakecuda_stat_add("nvjpeg_hw_images_decoded", n);
    }
    return nj_leave(st);
}
