#!/usr/bin/env bash
# Decode speed of the LLaMA decoder (core/llama_decoder.cpp), best of several runs:
# the build machines are shared, so single runs are noisy.
#
# Usage: bench/decode_profile.sh [RUNS]        (default 5)
#   stories260K (llama2.c's 260K-parameter model) in float32 with 1 and 2 threads,
#   and in bfloat16 with 1 thread.
# Environment:
#   FLAMINGO=path     the binary to measure (default $BUILD/app/flamingo, BUILD=build)
#   MODEL=dir         stories260K converted (default /tmp/s260; made if missing)
#   SYNTHETIC=1       also the synthetic 1b model (TinyLlama's shape) in bfloat16,
#                     2 threads, 8 tokens (needs ~2.5 GB and about a minute)
#   PERF=1            also a perf profile of the 1-thread float32 decode
#   OPENBLAS_CORETYPE is passed through. OpenBLAS picks its kernels from the CPU
#   (it reports "Zen" on the AMD EPYC build machines, see OPENBLAS_VERBOSE=2);
#   OPENBLAS_CORETYPE=SKYLAKEX forces AVX-512 kernels and dies with SIGILL (exit
#   status 132) on CPUs without AVX-512. The decode step itself no longer calls
#   OpenBLAS; the prompt (prefill) still does.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
FLAMINGO=${FLAMINGO:-$BUILD/app/flamingo}
MODEL=${MODEL:-/tmp/s260}
SHARED=${SHARED:-$(cd .. && pwd)/shared/models/stories260K}
RUNS=${1:-5}

if [[ ! -f $MODEL/model.safetensors ]]; then
  "$FLAMINGO" convert-llama2c --weights "$SHARED/stories260K.bin" \
    --tokenizer "$SHARED/tok512.model" --out "$MODEL" >/dev/null
fi

best() {  # best decode tokens/s over RUNS runs of: flamingo bench "$@"
  local b=0 v rc
  for ((r = 0; r < RUNS; ++r)); do
    rc=0
    v=$("$FLAMINGO" bench "$@" 2>/dev/null | awk '/^decode tokens\/s/ {print $3}') || rc=$?
    if ((rc != 0)); then
      echo "failed (exit status $rc)"
      return
    fi
    b=$(awk -v a="$b" -v c="$v" 'BEGIN {print (c > a ? c : a)}')
  done
  echo "$b decode tokens/s"
}

echo "$FLAMINGO, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}, best of $RUNS"
for t in 1 2; do
  echo "stories260K float32 --threads $t: $(best --model "$MODEL" --threads "$t" --new-tokens 256)"
done
echo "stories260K bfloat16 --threads 1: $(best --model "$MODEL" --threads 1 --new-tokens 256 --dtype bfloat16)"

if [[ -n ${SYNTHETIC:-} ]]; then
  RUNS=1
  echo "synthetic 1b bfloat16 --threads 2: $(best --synthetic 1b --dtype bfloat16 --threads 2 \
    --new-tokens 8 --prompt-tokens 8 --repeats 1)"
fi

if [[ -n ${PERF:-} ]] && command -v perf >/dev/null; then
  data=$(mktemp /tmp/decode_profile.XXXXXX.perf)
  # A short prompt and many repeats, so that start-up and prefill are a small share.
  perf record -q -o "$data" "$FLAMINGO" bench --model "$MODEL" --threads 1 \
    --new-tokens 500 --prompt-tokens 8 --repeats 30 >/dev/null 2>&1
  perf report -i "$data" --no-children --sort dso,sym 2>/dev/null | grep -E '^ +[0-9]' | head -30
  rm -f "$data"
fi
