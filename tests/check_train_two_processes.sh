#!/usr/bin/env bash
# The whole recipe trains stage 2 in a second process beside stage 1 (a few steps each):
# both stages must have run and the model directory must be written; a stage 2 that
# fails must fail the command with an error that names its log; and a first process
# killed outright must take the second with it.
# Usage: check_train_two_processes.sh FLAMINGO_BINARY TMP_DIR
set -uo pipefail
bin="$1" tmp="$2/train_two_processes"
rm -rf "$tmp" && mkdir -p "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }
steps=(--language-steps 4 --vision-steps 4 --flamingo-steps 2 --sequence-tokens 64 --log-every 2)

"$bin" train --out "$tmp/ok" "${steps[@]}" 2>"$tmp/ok.err" || { cat "$tmp/ok.err" >&2; fail "the recipe failed"; }
grep -q '^\[language\] step 4/4' "$tmp/ok.err" || fail "stage 1 did not run in the first process"
grep -q '^\[vision\] step 4/4' "$tmp/ok.train/vision.log" || fail "stage 2 did not log to ok.train/vision.log"
grep -q '^\[vision\] step' "$tmp/ok.err" && fail "stage 2 ran in the first process too"
grep -q '^\[flamingo\] step 2/2' "$tmp/ok.err" || fail "stage 3 did not run"
grep -q "^\[vision\] held-out scenes" "$tmp/ok.err" || fail "stage 2's measured heads are not in the first log"
for f in config.json model.safetensors tokenizer.model; do
  [ -s "$tmp/ok/$f" ] || fail "the model directory has no $f"
done

mkdir -p "$tmp/bad.train" && echo "not a directory" >"$tmp/bad.train/vision"
if "$bin" train --out "$tmp/bad" "${steps[@]}" 2>"$tmp/bad.err"; then fail "a failed stage 2 passed"; fi
grep -q "stage 2 (the vision encoder) failed (exit status 1); its log is .*bad.train/vision.log" "$tmp/bad.err" ||
  { cat "$tmp/bad.err" >&2; fail "no error naming stage 2's log"; }
[ -e "$tmp/bad/model.safetensors" ] && fail "a model was written without stage 2"
# A first process killed outright takes stage 2 with it: left running, stage 2 would
# write the same checkpoints as the next run's.
"$bin" train --out "$tmp/orphan" --language-steps 100000 --vision-steps 100000 --sequence-tokens 64 2>/dev/null &
parent=$!
for _ in $(seq 600); do child="$(pgrep -P "$parent" || true)"; [ -n "$child" ] && break; sleep 0.1; done
[ -n "$child" ] || { kill -9 "$parent"; fail "no second process started"; }
kill -9 "$parent"
{ wait "$parent"; } 2>/dev/null
for _ in $(seq 100); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$child" 2>/dev/null; then kill -9 "$child"; fail "stage 2 outlived its first process"; fi
echo "ok"
