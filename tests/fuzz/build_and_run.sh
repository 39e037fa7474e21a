#!/usr/bin/env bash
# Builds the libFuzzer target for the safetensors header parser and runs it for
# $1 seconds (default 60) on a seed corpus of small valid files made here.
# Everything goes into a fresh temporary directory, never into the repository;
# it is removed afterwards unless the fuzzer found something, in which case its
# path is printed so the crashing input can be examined.
# Needs clang++ with libFuzzer (override with FUZZ_CXX).
set -euo pipefail

duration=${1:-60}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/flamingo-fuzz-safetensors.XXXXXX")
keep=0
cleanup() { if [[ $keep == 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT

# Writes a safetensors file: $2 is the header JSON, $3 the data size in bytes.
make_seed() {
  local out=$1 json=$2 data_bytes=$3 length i
  while (( ${#json} % 8 != 0 )); do json+=' '; done
  length=${#json}
  {
    for i in 0 1 2 3 4 5 6 7; do
      printf "\\$(printf '%03o' $(( (length >> (8 * i)) & 255 )))"
    done
    printf '%s' "$json"
    head -c "$data_bytes" /dev/urandom
  } >"$out"
}

make_corpus() {
  local dir=$1
  mkdir -p "$dir"
  make_seed "$dir/empty" '{}' 0
  make_seed "$dir/one_f32" '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' 8
  make_seed "$dir/metadata" '{"__metadata__":{"format":"pt","k":"v"},'\
'"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},'\
'"b":{"dtype":"I64","shape":[1,2],"data_offsets":[3,19]}}' 19
  make_seed "$dir/scalar_and_empty" '{"s":{"dtype":"BF16","shape":[],"data_offsets":[0,2]},'\
'"e":{"dtype":"F16","shape":[0,4],"data_offsets":[2,2]}}' 2
  make_seed "$dir/all_dtypes" '{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},'\
'"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},'\
'"c":{"dtype":"F16","shape":[1],"data_offsets":[12,14]},'\
'"d":{"dtype":"BF16","shape":[1],"data_offsets":[14,16]},'\
'"e":{"dtype":"I64","shape":[1],"data_offsets":[16,24]},'\
'"f":{"dtype":"I32","shape":[1],"data_offsets":[24,28]},'\
'"g":{"dtype":"I16","shape":[1],"data_offsets":[28,30]},'\
'"h":{"dtype":"I8","shape":[1],"data_offsets":[30,31]},'\
'"i":{"dtype":"U8","shape":[1],"data_offsets":[31,32]},'\
'"j":{"dtype":"BOOL","shape":[1,1],"data_offsets":[32,33]}}' 33
}

make_dictionary() {
  local word
  for word in dtype shape data_offsets __metadata__ F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL \
      '{' '}' '[' ']' ':' ',' '"' '-1' '1.5' '1e3' '18446744073709551615' '9223372036854775807'; do
    printf '"%s"\n' "${word//\"/\\\"}"
  done >"$1"
}

cd "$repo"
"${FUZZ_CXX:-clang++}" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I. core/error.cpp core/safetensors.cpp \
  tests/fuzz/fuzz_safetensors_header.cpp -o "$work/fuzz_safetensors_header"

make_corpus "$work/corpus"
make_dictionary "$work/dictionary"
mkdir -p "$work/artifacts"
cd "$work"
if ! ./fuzz_safetensors_header corpus -dict=dictionary -max_total_time="$duration" \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" -print_final_stats=1; then
  keep=1
  echo "fuzzing found a problem; inputs are in $work/artifacts" >&2
  exit 1
fi
