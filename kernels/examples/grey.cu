/* CUDA build of grey.cl: the body is shared; build-example-ptx.sh turns this into grey.ptx. */
#include "grey.cl"
