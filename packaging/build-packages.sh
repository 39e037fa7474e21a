#!/usr/bin/env bash
# Builds the Debian package and the portable .tar.gz.
#
#   packaging/build-packages.sh            clean Release build in build-package/, then CPack
#   packaging/build-packages.sh --reuse D  CPack from the existing build directory D
#                                          (the test suite uses this to avoid a second build)
#
# The packages land in <build dir>/packages/. Debian's hardening flags
# (dpkg-buildflags, hardening=+all) are used for the clean build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${FLAMINGO_BUILD_JOBS:-2}"

if [ "${1:-}" = "--reuse" ]; then
  build="$(cd "${2:?--reuse needs a build directory}" && pwd)"
  cmake --build "$build" -j "$jobs"
else
  build="$root/build-package"
  bash "$root/scripts/install-deps.sh"
  rm -rf "$build"
  eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
  export CXXFLAGS="$CXXFLAGS $CPPFLAGS"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DFLAMINGO_BUILD_TESTS=OFF
  cmake --build "$build" -j "$jobs"
fi

rm -rf "$build/packages"
(cd "$build" && cpack -B "$build/packages" -G "DEB;TGZ")
# CPack's scratch tree is not a deliverable.
rm -rf "$build/packages/_CPack_Packages"
ls -l "$build/packages"
