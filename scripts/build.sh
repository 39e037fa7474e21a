#!/usr/bin/env bash
# Installs the dependencies (once) and builds everything into build/.
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/install-deps.sh"
# Each LibTorch translation unit needs about 1 GB of memory to compile: two jobs
# at most on the 2-core, 24 GB machines this project is built on.
jobs="${FLAMINGO_BUILD_JOBS:-2}"
if [ ! -f "$root/build/build.ninja" ]; then
  cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
cmake --build "$root/build" -j "$jobs"
