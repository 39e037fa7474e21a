#!/usr/bin/env bash
# The few-shot table of the model card: accuracy by suite and number of shots on
# held-out episodes, with and without the gates.
# Usage: bench/eval_table.sh MODEL_DIR [EPISODES]
# FLAMINGO names the binary (default: build/app/flamingo); a copy keeps a long table safe
# from a rebuild that relinks the build's.
set -euo pipefail
model="$1"
episodes="${2:-100}"
flamingo="${FLAMINGO:-$(dirname "$0")/../build/app/flamingo}"
acc() { "$flamingo" eval --model "$model" --episodes "$episodes" --threads 1 "$@" | sed -n 's/^accuracy: //p'; }
printf "| suite | ways | 0 shots | 1 shot | 2 shots | 4 shots | 8 shots | zero gates (1 shot) |\n"
printf "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
row() {
  local suite="$1" ways="$2" line="| $1 | $2 |"
  for k in 0 1 2 4 8; do line="$line $(acc --suite "$suite" --ways "$ways" --shots "$k") |"; done
  echo "$line $(acc --suite "$suite" --ways "$ways" --shots 1 --zero-gates) |"
}
row caption 2
row vqa 2
row choice 2
row video 2
row induction 2
row binding 2
row binding 5
