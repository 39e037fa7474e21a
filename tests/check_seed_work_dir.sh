#!/usr/bin/env bash
# tools/seed_work_dir.py turns a finished model into a work directory that
# `flamingo train` continues: stage 1 must resume at the given step from the
# model's language model (its loss already low, not a fresh model's ~5.6 nats),
# stages 2 and the tokenizer must not run again, and stage 3 must follow. The tool
# must refuse to overwrite a language stage and name a truncated weight file. Seeded
# with stage 3 too, the work directory must export the very model it came from.
# The bundled language model copies whole words, so stage 1 must not warn that it
# does not.
# Usage: check_seed_work_dir.sh FLAMINGO_BINARY MODEL_DIR TMP_DIR
set -uo pipefail
bin="$1" model="$2" tmp="$3/seed_work_dir"
tool="$(dirname "$0")/../tools/seed_work_dir.py"
rm -rf "$tmp" && mkdir -p "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }

/usr/bin/python3 "$tool" "$model" "$tmp/w.train" --language-step 300 || fail "seeding failed"
"$bin" train --out "$tmp/w" --work "$tmp/w.train" --serial --language-steps 304 --language-cosine-steps 0 --flamingo-steps 2 \
  --sequence-tokens 128 --log-every 2 2>"$tmp/w.err" || { cat "$tmp/w.err" >&2; fail "training failed"; }
grep -q '^\[language\] resumed at step 300' "$tmp/w.err" || fail "stage 1 did not resume at step 300"
grep -q '^\[vision\] step' "$tmp/w.err" && fail "stage 2 ran again"
loss="$(sed -n 's/^\[language\] step 302\/304  loss \([0-9.]*\).*/\1/p' "$tmp/w.err")"
[ -n "$loss" ] || { cat "$tmp/w.err" >&2; fail "no loss logged at step 302"; }
awk -v l="$loss" 'BEGIN { exit !(l < 2.0) }' || fail "stage 1's loss $loss is not that of a trained language model"
grep -q '^\[language\] held-out repeated lines: .* when said again' "$tmp/w.err" || fail "stage 1 did not measure copying"
grep -q '^\[language\] warning' "$tmp/w.err" && fail "the bundled language model, which copies, was said not to"
grep -q '^\[flamingo\] step 2/2' "$tmp/w.err" || fail "stage 3 did not run"
[ -s "$tmp/w/model.safetensors" ] || fail "no model written"

/usr/bin/python3 "$tool" "$model" "$tmp/w.train" --language-step 300 2>"$tmp/again.err" && fail "overwrote a language stage"
grep -q "already has a language stage" "$tmp/again.err" || fail "no error for an existing language stage"

/usr/bin/python3 "$tool" "$model" "$tmp/all.train" --language-step 4000 --flamingo-step 5500 ||
  fail "seeding stage 3 failed"
"$bin" train --out "$tmp/all" --work "$tmp/all.train" --stage export 2>"$tmp/all.err" ||
  { cat "$tmp/all.err" >&2; fail "export failed"; }
cmp -s "$tmp/all/model.safetensors" "$model/model.safetensors" || fail "the exported model differs from $model"

mkdir -p "$tmp/cut" && cp "$model/tokenizer.model" "$model/config.json" "$tmp/cut/"
head -c 100000 "$model/model.safetensors" >"$tmp/cut/model.safetensors"
/usr/bin/python3 "$tool" "$tmp/cut" "$tmp/cut.train" --language-step 1 2>"$tmp/cut.err" && fail "read a truncated file"
grep -q "cut/model.safetensors: tensor .* runs past the end of the file" "$tmp/cut.err" ||
  { cat "$tmp/cut.err" >&2; fail "no error naming the truncated file"; }
echo "ok"
