#pragma once
// `flamingo bench`: speed and memory of the decoder on this machine. Not a test:
// it prints numbers to report. No LibTorch here.
#include <ostream>
#include <string>

#include "core/engine.h"

namespace flamingo {

struct BenchOptions {
  std::string model_dir;   // a model directory, or empty with `synthetic`
  std::string synthetic;   // "1b": random weights in TinyLlama-1.1B's shape; "3b": a whole
                           // OpenFlamingo-3B (MPT-1B, ViT-L/14), prompt of `media` (5) images
  int prompt_tokens = 64;
  int new_tokens = 128;
  int repeats = 3;         // decode runs; the best is reported
  int media = 0;           // > 0: a conversation with this many images (needs a vision model)
  LoadOptions load;
};

struct BenchReport {
  long long parameters = 0;
  double weight_bytes = 0;
  double prefill_tokens_per_s = 0;
  double time_to_first_token_ms = 0;
  double decode_tokens_per_s = 0;
  double peak_rss_mb = 0;
};

// With `media`: time to encode one image, time to first token of a first turn
// holding `media` images, then of later turns that add one image each (which must
// not grow with the history), and decode tokens/s.
void run_media_bench(const BenchOptions& options, std::ostream& out);

// `synthetic` "3b": time to first token of a few-shot prompt with `media` images,
// decode tokens/s next to the bound that the measured memory bandwidth sets, and
// peak RSS, on a randomly initialised OpenFlamingo-3B.
void run_flamingo_synthetic_bench(const BenchOptions& options, std::ostream& out);

// Prints a human-readable report to `out`; its last line is
// "decode tokens/s: X".
BenchReport run_bench(const BenchOptions& options, std::ostream& out);

}  // namespace flamingo
