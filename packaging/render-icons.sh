#!/usr/bin/env bash
# Renders the hicolor PNG sizes of the application icon from its SVG source.
# The PNGs are committed, so building needs no SVG renderer; run this after
# editing packaging/linux/icons/flamingo-chat.svg (needs Debian's librsvg2-bin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
svg="$here/linux/icons/flamingo-chat.svg"
for size in 16 22 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$svg" -o "$here/linux/icons/flamingo-chat-$size.png"
done
# The window icon built into the program is the 256 px rendering.
cp "$here/linux/icons/flamingo-chat-256.png" "$here/../resources/icons/flamingo-chat.png"
