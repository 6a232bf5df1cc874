/*
 * fn_encode.c: the fake nvJPEG's encoder: encoder states and params, nvjpegEncodeImage (validates the
 * device source at the call, queues a host op that reads the device pixels and runs tjCompress2 when
 * the stream gets there) and nvjpegEncodeRetrieveBitstream (runs the stream first, as the real call
 * synchronises).
 */
#include "fn_nvjpeg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tj_subsamp(int css) {
    switch (css) {
        case NJ_CSS_444: return TJSAMP_444;
        case NJ_CSS_422: return TJSAMP_422;
        case NJ_CSS_420: return TJSAMP_420;
        case NJ_CSS_GRAY: return TJSAMP_GRAY;
        default: return -1;
    }
}

/* ------------------------------------------------------------------ states and params */

NJ_API int nvjpegEncoderStateCreate(void *handle, void **state, CUstream stream) {
    return nj_create(handle, state, NJ_ENC_STATE, "nvjpegEncoderStateCreate", 1, stream);
}

/* Destroying a state whose encode is still queued is a violation; it is destroyed anyway (the queued op then does nothing). */
NJ_API int nvjpegEncoderStateDestroy(void *state) {
    const char *what = "nvjpegEncoderStateDestroy";
    int st = nj_enter(what);
    nj_obj *o = NULL;
    if (st == NJ_SUCCESS) st = nj_find(state, NJ_ENC_STATE, NJ_ANY_OWNER, what, &o);
    if (st == NJ_SUCCESS) {
        int pending = o->pending;
        nj_bury(o);
        if (pending > 0)
            st = nj_violation(NJ_INVALID_PARAMETER, "%s: %d encode(s) on this state are still queued on stream %p (synchronise "
                              "or retrieve the bitstream first); destroyed anyway", what, pending, (void *) o->pending_stream);
    }
    return nj_leave(st);
}

/* Defaults (set by nj_new): quality 70, 4:2:0, no optimized Huffman, as nvJPEG's. */
NJ_API int nvjpegEncoderParamsCreate(void *handle, void **params, CUstream stream) {
    return nj_create(handle, params, NJ_ENC_PARAMS, "nvjpegEncoderParamsCreate", 1, stream);
}

NJ_API int nvjpegEncoderParamsDestroy(void *params) {
    return nj_destroy(params, NJ_ENC_PARAMS, "nvjpegEncoderParamsDestroy");
}

/* which: 0 quality, 1 optimized Huffman, 2 sampling factors */
static int set_param(void *params, int which, int value, CUstream stream, const char *what) {
    int st = nj_enter(what);
    nj_obj *p = NULL;
    if (st == NJ_SUCCESS) st = nj_find(params, NJ_ENC_PARAMS, NULL, what, &p);
    if (st == NJ_SUCCESS) st = nj_check_stream(stream, what);
    if (st == NJ_SUCCESS && which == 0 && (value < 1 || value > 100))
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: quality %d is not in 1..100", what, value);
    if (st == NJ_SUCCESS && which == 2 && tj_subsamp(value) < 0) {
        fprintf(stderr, "fakenvjpeg: note: %s: chroma subsampling %d is not implemented (444, 422, 420, GRAY)\n", what, value);
        st = NJ_INVALID_PARAMETER;
    }
    if (st == NJ_SUCCESS) {
        if (which == 0) p->quality = value;
        else if (which == 1) p->optimized = value != 0;
        else p->css = value;
    }
    return nj_leave(st);
}

NJ_API int nvjpegEncoderParamsSetQuality(void *params, int quality, CUstream stream) {
    return set_param(params, 0, quality, stream, "nvjpegEncoderParamsSetQuality");
}

/* Recorded, but TurboJPEG 2.1's API has no Huffman optimisation: the bitstream is the same either way. */
NJ_API int nvjpegEncoderParamsSetOptimizedHuffman(void *params, int optimized, CUstream stream) {
    return set_param(params, 1, optimized, stream, "nvjpegEncoderParamsSetOptimizedHuffman");
}

NJ_API int nvjpegEncoderParamsSetSamplingFactors(void *params, int css, CUstream stream) {
    return set_param(params, 2, css, stream, "nvjpegEncoderParamsSetSamplingFactors");
}

/* ------------------------------------------------------------------ encoding */

typedef struct {
    nj_obj *state;
    const unsigned char *src; /* host backing of the device source */
    size_t pitch;
    int width, height, quality, subsamp;
} encode_job;

/* Runs when the stream reaches it (driver lock held, no CUDA calls allowed). */
static void compress(void *user) {
    encode_job *j = user;
    nj_obj *s = j->state;
    s->pending--;
    if (!s->dead) {
        unsigned char *bits = NULL;
        unsigned long n = 0;
        if (tj.Compress2(tj.enc, j->src, j->width, (int) j->pitch, j->height, TJPF_RGB, &bits, &n, j->subsamp, j->quality,
                         TJFLAG_ACCURATEDCT) == 0) {
            if (s->bits != NULL) tj.Free(s->bits);
            s->bits = bits;
            s->nbits = n;
            s->failed = 0;
            s->encoded = 1;
            fakecuda_stat_add("nvjpeg_images_encoded", 1);
        } else {
            fprintf(stderr, "fakenvjpeg: note: nvjpegEncodeImage (running): tjCompress2: %s\n", tj.GetErrorStr2(tj.enc));
            if (bits != NULL) tj.Free(bits);
            s->failed = 1;
        }
    }
    free(j);
}

NJ_API int nvjpegEncodeImage(void *handle, void *state, void *params, const nvjpegImage_t *source, int input_format, int width,
                             int height, CUstream stream) {
    const char *what = "nvjpegEncodeImage";
    int st = nj_enter(what);
    nj_obj *h = NULL, *s = NULL, *p = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS) st = nj_find(state, NJ_ENC_STATE, h, what, &s);
    if (st == NJ_SUCCESS) st = nj_find(params, NJ_ENC_PARAMS, h, what, &p);
    if (st == NJ_SUCCESS) st = nj_check_stream(stream, what);
    if (st == NJ_SUCCESS && source == NULL) st = nj_violation(NJ_INVALID_PARAMETER, "%s: source is NULL", what);
    if (st == NJ_SUCCESS && input_format != NJ_INPUT_RGBI) {
        fprintf(stderr, "fakenvjpeg: note: %s: input format %d is not implemented (only NVJPEG_INPUT_RGBI, 5)\n", what,
                input_format);
        st = NJ_INVALID_PARAMETER;
    }
    if (st == NJ_SUCCESS && (width <= 0 || height <= 0 || width > 65535 || height > 65535))
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: size %dx%d", what, width, height);
    if (st == NJ_SUCCESS && source->pitch[0] < (size_t) width * 3)
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: source->pitch[0] = %zu is less than width*3 = %zu", what, source->pitch[0],
                          (size_t) width * 3);
    const unsigned char *src = NULL;
    if (st == NJ_SUCCESS) {
        char where[96];
        snprintf(where, sizeof where, "%s: source->channel[0] (%dx%d RGBI, pitch %zu)", what, width, height, source->pitch[0]);
        src = fakecuda_device_host((CUdeviceptr) (uintptr_t) source->channel[0], source->pitch[0] * (size_t) height, where);
        if (src == NULL) st = NJ_INVALID_PARAMETER;
    }
    encode_job *j = st == NJ_SUCCESS ? malloc(sizeof *j) : NULL;
    if (st == NJ_SUCCESS && j == NULL) st = NJ_ALLOCATOR_FAILURE;
    if (st == NJ_SUCCESS) {
        *j = (encode_job) {s, src, source->pitch[0], width, height, p->quality, tj_subsamp(p->css)};
        if (cuLaunchHostFunc(stream, compress, j) != CUDA_SUCCESS) { free(j); st = NJ_EXECUTION_FAILED; }
    }
    if (st == NJ_SUCCESS) {
        s->pending++;
        s->pending_stream = stream;
    }
    return nj_leave(st);
}

/*
 * Runs the stream's queued work first (the real call synchronises with it). data NULL: *length gets
 * the size; otherwise *length must be at least the size (a violation if not) and gets the size.
 */
NJ_API int nvjpegEncodeRetrieveBitstream(void *handle, void *state, unsigned char *data, size_t *length, CUstream stream) {
    const char *what = "nvjpegEncodeRetrieveBitstream";
    int st = nj_enter(what);
    nj_obj *h = NULL, *s = NULL;
    if (st == NJ_SUCCESS) st = nj_find(handle, NJ_HANDLE, NULL, what, &h);
    if (st == NJ_SUCCESS) st = nj_find(state, NJ_ENC_STATE, h, what, &s);
    if (st == NJ_SUCCESS && length == NULL) st = nj_violation(NJ_INVALID_PARAMETER, "%s: length is NULL", what);
    if (st == NJ_SUCCESS) st = nj_check_stream(stream, what);
    if (st == NJ_SUCCESS && cuStreamSynchronize(stream) != CUDA_SUCCESS) st = NJ_EXECUTION_FAILED;
    if (st == NJ_SUCCESS && s->pending > 0)
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: the encode is still queued on stream %p, not on the stream %p given here",
                          what, (void *) s->pending_stream, (void *) stream);
    if (st == NJ_SUCCESS && s->failed) st = NJ_EXECUTION_FAILED;
    if (st == NJ_SUCCESS && !s->encoded)
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: nothing was encoded with this state", what);
    if (st == NJ_SUCCESS && data != NULL && *length < s->nbits)
        st = nj_violation(NJ_INVALID_PARAMETER, "%s: the buffer holds %zu bytes, the bitstream is %lu", what, *length, s->nbits);
    if (st == NJ_SUCCESS) {
        if (data != NULL) memcpy(data, s->bits, s->nbits);
        *length = s->nbits;
    }
    return nj_leave(st);
}
