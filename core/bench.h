#pragma once
// `flamingo bench`: speed and memory of the decoder on this machine. Not a test:
// it prints numbers to report. No LibTorch here.
#include <ostream>
#include <string>

#include "core/engine.h"

namespace flamingo {

struct BenchOptions {
  std::string model_dir;   // a model directory, or empty with `synthetic`
  std::string synthetic;   // "1b": random weights in TinyLlama-1.1B's shape
  int prompt_tokens = 64;
  int new_tokens = 128;
  int repeats = 3;         // decode runs; the best is reported
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

// Prints a human-readable report to `out`; its last line is
// "decode tokens/s: X".
BenchReport run_bench(const BenchOptions& options, std::ostream& out);

}  // namespace flamingo
