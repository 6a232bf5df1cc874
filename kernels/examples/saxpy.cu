/* CUDA build of saxpy.cl: the body is shared; build-example-ptx.sh turns this into saxpy.ptx. */
#include "saxpy.cl"
