#!/usr/bin/env bash
# The whole test suite from a fresh machine: install, build, run every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/build.sh"
cd "$root/build"
# Qt tests need no display; one thread per test process, two processes at once.
export QT_QPA_PLATFORM=offscreen
export OMP_NUM_THREADS=1
ctest --output-on-failure -j 2 --timeout 600
# The packages as a user gets them: build the .deb and .tar.gz from this build,
# install and run them (packaging/test-packages.sh says what is checked).
cd "$root"
bash packaging/build-packages.sh --reuse "$root/build"
bash packaging/test-packages.sh "$root/build/packages"
