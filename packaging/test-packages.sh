#!/usr/bin/env bash
# Proves that the packages work as a user gets them (called by scripts/test.sh):
#  1. the .deb installs with dpkg -i; the installed flamingo answers a few-shot
#     prompt with the installed model, flamingo-chat starts and quits; then it is
#     removed again;
#  2. the .tar.gz, unpacked into a temporary directory outside the build tree,
#     does the same and finds everything under that directory;
#  3. lintian reports no errors on the .deb (warnings are printed).
# Usage: packaging/test-packages.sh PACKAGE_DIR
set -euo pipefail
pkgdir="$(cd "${1:?usage: test-packages.sh PACKAGE_DIR}" && pwd)"
deb="$(ls "$pkgdir"/flamingo-chat_*.deb)"
tgz="$(ls "$pkgdir"/flamingo-chat-*.tar.gz)"
export QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=1

fail() { echo "test-packages: FAIL: $*" >&2; exit 1; }

# Runs the installed programs under PREFIX and checks that they use PREFIX's files.
check_prefix() {
  local prefix="$1" bin="$1/bin"
  echo "test-packages: checking the programs under $prefix"
  "$bin/flamingo" --version | grep -qx "flamingo [0-9.]*" || fail "flamingo --version"
  "$bin/flamingo-chat" --version | grep -q "flamingo-chat" || fail "flamingo-chat --version"
  local info; info="$("$bin/flamingo" info)" || fail "flamingo info: $info"
  echo "$info"
  for what in "bundled model" "samples" "tokenizer module"; do
    echo "$info" | grep "^$what:" | grep -q " $prefix/" || fail "$what is not under $prefix"
  done
  local samples="$prefix/share/flamingo-chat/samples" out
  out="$(cd /tmp && "$bin/flamingo" generate --quiet --max-new-tokens 12 --stop "<|endofchunk|>" \
      --prompt "<image>Output: a small red circle.<|endofchunk|><image>Question: how many shapes are there? Short answer: three<|endofchunk|><image>Question: how many shapes are there? Short answer:" \
      --media "$samples/caption.png" --media "$samples/shapes.png" --media "$samples/query.png")" \
      || fail "flamingo generate with the installed model"
  [ -n "${out// /}" ] || fail "flamingo generate printed nothing"
  echo "test-packages: few-shot answer: '$out'"
  "$bin/flamingo-chat" --quit-after-start || fail "flamingo-chat --quit-after-start"
}

# 1. The Debian package.
SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if dpkg-query -W -f='${Status}' flamingo-chat 2>/dev/null | grep -q "install ok installed"; then
  $SUDO dpkg -r flamingo-chat >/dev/null
fi
$SUDO dpkg -i "$deb" || fail "dpkg -i $deb"
trap '$SUDO dpkg -r flamingo-chat >/dev/null 2>&1 || true' EXIT
check_prefix /usr
man -w flamingo >/dev/null || fail "man page flamingo(1) not installed"
$SUDO dpkg -r flamingo-chat >/dev/null || fail "dpkg -r flamingo-chat"
[ ! -e /usr/bin/flamingo ] || fail "dpkg -r left /usr/bin/flamingo behind"
trap - EXIT

# 2. The portable archive, somewhere unrelated.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tgz" -C "$tmp"
check_prefix "$(ls -d "$tmp"/flamingo-chat-*)"

# 3. lintian: errors fail, warnings are listed.
report="$(lintian --no-tag-display-limit "$deb" 2>&1 || true)"
echo "$report"
if echo "$report" | grep -q "^E: "; then fail "lintian reports errors"; fi
echo "test-packages: OK ($(echo "$report" | grep -c "^W: " || true) lintian warnings)"
