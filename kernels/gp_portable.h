/*
 * gp_portable.h: the thin layer that lets one kernel body compile as OpenCL C (1.2) and as CUDA C.
 *
 * It also compiles as plain C11 (GP_EMULATE_C), for the CPU emulation in the test-only fake CUDA
 * driver (host/src/test/native/fakecuda): one kernel body, several languages.
 *
 * A body written against these macros never names a dialect keyword itself:
 *   KERNEL      the entry-point qualifier        GLOBAL   the global address space
 *   DEVICE_FN   a helper inlined into kernels    GP_GID0  the global work-item index, dimension 0
 *   GP_MUL/ADD/DIV  IEEE single-precision ops, rounded to nearest and never fused into an FMA, so the
 *                   result matches the Java reference (dev.gpupool.image.Resampler) bit for bit
 *   GP_ROUND    round half away from zero (equals Java's Math.round for the non-negative values that
 *               are not clamped to 0 anyway)
 */
#ifndef GP_PORTABLE_H
#define GP_PORTABLE_H

#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)
  /* ---------------------------------------------------------------- OpenCL C */
  #pragma OPENCL FP_CONTRACT OFF
  #define GP_OPENCL 1
  #define KERNEL      __kernel
  #define GLOBAL      __global
  #define DEVICE_FN   static inline
  #define GP_GID0     ((int) get_global_id(0))
  #define GP_MUL(a, b) ((a) * (b))
  #define GP_ADD(a, b) ((a) + (b))
  #define GP_DIV(a, b) ((a) / (b))
  #define GP_ROUND(x)  round(x)
  #define GP_MIN(a, b) min((a), (b))
  typedef uchar gp_u8;
#elif defined(__CUDACC__)
  /* ---------------------------------------------------------------- CUDA C */
  #define GP_CUDA 1
  #define KERNEL      extern "C" __global__
  #define GLOBAL
  #define DEVICE_FN   static __device__ __forceinline__
  #define GP_GID0     ((int) (blockIdx.x * blockDim.x + threadIdx.x))
  /* nvcc contracts a*b+c into an FMA by default; the _rn intrinsics are never contracted. */
  #define GP_MUL(a, b) __fmul_rn((a), (b))
  #define GP_ADD(a, b) __fadd_rn((a), (b))
  #define GP_DIV(a, b) __fdiv_rn((a), (b))
  #define GP_ROUND(x)  roundf(x)
  #define GP_MIN(a, b) min((a), (b))
  typedef unsigned char gp_u8;
#elif defined(GP_EMULATE_C)
  /* ---------------------------------------------------------------- plain C (CPU emulation)
   * Each entry becomes an ordinary C function; the caller (the fake driver's launch loop) sets the
   * thread-local block / thread coordinates before each emulated thread. Compile with
   * -ffp-contract=off -fno-fast-math so that, as on the GPU, nothing is fused or reordered. */
  #include <math.h>
  #define GP_C 1
  extern _Thread_local int gp_emu_block_x, gp_emu_block_dim_x, gp_emu_thread_x;
  #define KERNEL
  #define GLOBAL
  #define DEVICE_FN   static inline
  #define GP_GID0     (gp_emu_block_x * gp_emu_block_dim_x + gp_emu_thread_x)
  #define GP_MUL(a, b) ((a) * (b))
  #define GP_ADD(a, b) ((a) + (b))
  #define GP_DIV(a, b) ((a) / (b))
  #define GP_ROUND(x)  roundf(x)
  #define GP_MIN(a, b) ((a) < (b) ? (a) : (b))
  typedef unsigned char gp_u8;
#else
  #error "gp_portable.h: compile as OpenCL C, CUDA C or C with GP_EMULATE_C"
#endif

#endif /* GP_PORTABLE_H */
