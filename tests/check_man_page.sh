#!/usr/bin/env bash
# Fails when a subcommand that `flamingo --help` lists has no section in the
# manual page, or when man reports formatting problems in it.
# Usage: check_man_page.sh FLAMINGO_BINARY MAN_PAGE
set -euo pipefail
bin="$1" page="$2"
commands="$("$bin" --help | awk '/^Subcommands:/{on=1; next} on && NF {print $1}')"
[ -n "$commands" ] || { echo "no subcommands found in --help" >&2; exit 1; }
missing=0
# Roff writes a hyphen as "\-": compare with those unescaped.
plain="$(sed 's/\\-/-/g' "$page")"
for c in $commands; do
  if ! grep -Fxq ".B $c" <<<"$plain"; then
    echo "subcommand '$c' is missing from $page" >&2
    missing=1
  fi
done
warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -Tutf8 "$page" 2>&1 >/dev/null || true)"
if [ -n "$warnings" ]; then echo "man reports: $warnings" >&2; missing=1; fi
exit $missing
