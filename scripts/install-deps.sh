#!/usr/bin/env bash
# Installs every Debian 12 package that the build, the tests and the app need.
# Idempotent: packages already present are skipped by apt; the package lists are
# refreshed only when a package is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # model runtime (core/)
  libtorch-dev libopenblas0-pthread
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  libsentencepiece-dev sentencepiece nlohmann-json3-dev libcli11-dev
  # byte-level BPE tokenizer: NFC and Unicode categories
  libicu-dev
  # desktop application (ui/, app/)
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  # tests
  libgtest-dev
  # oracle of the BPE parity test (tests/bpe_parity, npm ci from the registry)
  nodejs
  # tests/openflamingo/make_checkpoints.py writes PyTorch checkpoints with PyTorch itself
  python3-torch python3-numpy
  # packages and their checks (packaging/): dpkg-shlibdeps, lintian, validators, man
  dpkg-dev fakeroot lintian appstream desktop-file-utils man-db qt6-qpa-plugins
  # real photographs for tests/test_media.cpp (15.7 MB, JPEGs in /usr/share/backgrounds)
  lomiri-wallpapers-16.04
)

# Debian's nodejs comes without npm; NodeSource's bundles it (and conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
