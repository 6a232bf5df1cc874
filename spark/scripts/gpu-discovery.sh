#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor,worker}.resource.gpu.discoveryScript): prints the
# GPUs this node or container can use, as Spark wants them: {"name":"gpu","addresses":["0","1"]}.
# Addresses are nvidia-smi's indices; gpupool maps them through CUDA_VISIBLE_DEVICES when that is set.
# No NVIDIA GPU (or no nvidia-smi): an empty list, so the executor gets CPU pools instead of failing.
# GPUPOOL_FAKE_GPUS=7,9 announces those addresses instead, whatever the node has: for testing Spark's GPU
# scheduling on machines without GPUs (spark/scripts/standalone-cluster.sh --gpus); tasks given an
# address no device answers to run on CPU threads and say so in the report's "fallback" column.
set -uo pipefail
ids=""
if [ -n "${GPUPOOL_FAKE_GPUS+x}" ]; then
  ids=$(tr ', ' '\n\n' <<<"$GPUPOOL_FAKE_GPUS" | grep -E '^[A-Za-z0-9_.:-]+$' || true)
elif command -v nvidia-smi >/dev/null 2>&1; then
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | grep -E '^[0-9]+$' || true)
fi
printf '{"name":"gpu","addresses":['
sep=""
for i in $ids; do printf '%s"%s"' "$sep" "$i"; sep=","; done
printf ']}\n'
