# Sourced by build-ptx.sh and build-example-ptx.sh: the PTX ISA version gpupool's PTX declares.
# nvcc 13 writes ".version 9.0" (CUDA 13 drivers only). Our kernels use only instructions that PTX ISA
# 6.x already had, so the files declare 7.0 and load on any CUDA 11.0+ driver; sm_75 needs ISA 6.3.
# ptxas, where installed, must still assemble the result for sm_75 and sm_90, or the build fails.
PTX_ISA=7.0
declare_isa() { # $1: a PTX file from nvcc, rewritten in place
  grep -qE '^\.version [0-9]+\.[0-9]+$' "$1" || { echo "no .version line in $1" >&2; exit 1; }
  sed -i -E "s/^\.version [0-9]+\.[0-9]+$/.version $PTX_ISA/" "$1"
  if command -v ptxas >/dev/null 2>&1; then
    for arch in sm_75 sm_90; do
      ptxas -arch="$arch" -o "$1.cubin" "$1" || { echo "ptxas rejects $1 declared as PTX ISA $PTX_ISA for $arch" >&2; exit 1; }
    done
  fi
}
