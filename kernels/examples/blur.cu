/* CUDA build of blur.cl: the body is shared; build-example-ptx.sh turns this into blur.ptx. */
#include "blur.cl"
