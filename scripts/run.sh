#!/usr/bin/env bash
# The main job: builds if needed, then opens the desktop application on the
# bundled model, or, on a machine without a display, answers the built-in
# few-shot demo prompt with the same engine from the command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/build.sh" >&2
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$root/build/app/flamingo-chat" "$@"
fi
exec "$root/build/app/flamingo" demo "$@"
