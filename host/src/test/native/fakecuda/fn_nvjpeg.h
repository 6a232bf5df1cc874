/*
 * fn_nvjpeg.h: internals of the fake nvJPEG (libnvjpeg.so.13, a test double; see README.md). The
 * entry points follow the C ABI of NVIDIA's nvjpeg.h as documented; nothing is copied from it.
 * Pixels are decoded and encoded by libjpeg-turbo's TurboJPEG API, dlopen'ed at nvjpegCreateEx
 * (only the runtime package libturbojpeg0 is needed: the few prototypes are declared here).
 *
 * Every call holds the driver's (recursive) lock from start to end (fakecuda_lock), so the fake
 * driver and the fake nvJPEG form one serialised state; the device memory is the driver's fake
 * device memory, reached only through fakecuda_device_host.
 */
#ifndef FN_NVJPEG_H
#define FN_NVJPEG_H

#include "fakecuda.h"

#define NJ_API __attribute__((visibility("default")))

enum { NJ_SUCCESS = 0, NJ_NOT_INITIALIZED = 1, NJ_INVALID_PARAMETER = 2, NJ_BAD_JPEG = 3, NJ_JPEG_NOT_SUPPORTED = 4,
       NJ_ALLOCATOR_FAILURE = 5, NJ_EXECUTION_FAILED = 6, NJ_ARCH_MISMATCH = 7, NJ_INTERNAL_ERROR = 8,
       NJ_IMPLEMENTATION_NOT_SUPPORTED = 9 };
enum { NJ_BACKEND_DEFAULT = 0, NJ_BACKEND_HYBRID = 1, NJ_BACKEND_GPU_HYBRID = 2, NJ_BACKEND_HARDWARE = 3 };
enum { NJ_OUTPUT_RGBI = 5, NJ_INPUT_RGBI = 5 };
enum { NJ_CSS_444 = 0, NJ_CSS_422 = 1, NJ_CSS_420 = 2, NJ_CSS_440 = 3, NJ_CSS_411 = 4, NJ_CSS_410 = 5, NJ_CSS_GRAY = 6,
       NJ_CSS_OTHER = -1 };

typedef struct { unsigned char *channel[4]; size_t pitch[4]; } nvjpegImage_t;

/* ------------------------------------------------------------------ TurboJPEG 2.1 (libturbojpeg.so.0) */
typedef void *tjhandle;
enum { TJPF_RGB = 0, TJSAMP_444 = 0, TJSAMP_422 = 1, TJSAMP_420 = 2, TJSAMP_GRAY = 3, TJSAMP_440 = 4, TJSAMP_411 = 5,
       TJFLAG_ACCURATEDCT = 4096, TJFLAG_STOPONWARNING = 8192 };
typedef struct {
    tjhandle (*InitDecompress)(void);
    int (*DecompressHeader3)(tjhandle, const unsigned char *, unsigned long, int *, int *, int *, int *);
    int (*Decompress2)(tjhandle, const unsigned char *, unsigned long, unsigned char *, int, int, int, int, int);
    tjhandle (*InitCompress)(void);
    int (*Compress2)(tjhandle, const unsigned char *, int, int, int, int, unsigned char **, unsigned long *, int, int, int);
    void (*Free)(unsigned char *);
    int (*Destroy)(tjhandle);
    char *(*GetErrorStr2)(tjhandle);
    tjhandle dec, enc; /* one of each, used under the lock */
} nj_turbo;
extern nj_turbo tj;

/* ------------------------------------------------------------------ objects */
typedef enum { NJ_HANDLE, NJ_JPEG_STATE, NJ_JPEG_STREAM, NJ_ENC_STATE, NJ_ENC_PARAMS } nj_kind;

typedef struct {
    int sof;             /* 0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC3 lossless, 0xC9.. arithmetic */
    int precision, width, height, ncomp;
    int css;             /* NJ_CSS_*, NJ_CSS_OTHER for a sampling no nvJPEG enum names (or CMYK) */
} nj_info;

typedef struct nj_obj {
    nj_kind kind;
    int dead;
    struct nj_obj *handle;   /* the owning handle (itself for a handle) */
    struct nj_obj *next;     /* every object ever made, graves included (never freed before unload) */
    int backend;             /* handle */
    int batch_size, format;  /* JPEG state: 0 until nvjpegDecodeBatchedInitialize */
    int parsed;              /* JPEG stream */
    nj_info info;
    int quality, css, optimized;     /* encoder params */
    unsigned char *bits;             /* encoder state: the latest bitstream (tj's buffer) */
    unsigned long nbits;
    int pending, failed, encoded;    /* encodes queued, the latest one failed, any one finished */
    CUstream pending_stream;
} nj_obj;

/* fn_nvjpeg.c */
int nj_enter(const char *what);                 /* takes the lock, checks the current context */
int nj_leave(int status);                       /* releases it */
int nj_violation(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define NJ_ANY_OWNER ((nj_obj *) 1) /* nj_find for a destroy: the owning handle may be dead already */
int nj_find(void *p, nj_kind kind, nj_obj *handle, const char *what, nj_obj **out);
nj_obj *nj_new(nj_kind kind, nj_obj *handle);
int nj_bury(nj_obj *o);
int nj_check_stream(CUstream s, const char *what);
const char *nj_kind_name(nj_kind k);
/* fn_decode.c */
int nj_create(void *handle, void **out, nj_kind kind, const char *what, int with_stream, CUstream stream);
int nj_destroy(void *p, nj_kind kind, const char *what); /* any child object */

#endif /* FN_NVJPEG_H */
