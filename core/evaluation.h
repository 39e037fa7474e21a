#pragma once
// `flamingo eval`: held-out episodes of the visual world, answered greedily (or,
// for the close-ended "choice" suite, by ranking 4 options by log-likelihood),
// scored by exact match. No LibTorch here.
#include <cstdint>
#include <ostream>
#include <string>

#include "core/engine.h"

namespace flamingo {

struct EvalOptions {
  std::string model_dir;
  std::string suite;  // caption, vqa, choice, binding, induction, video
  int ways = 2;
  int shots = 1;
  int episodes = 100;
  uint64_t seed = 1;
  bool verbose = false;  // one line per episode
  LoadOptions load;
};

struct EvalResult {
  int correct = 0;
  int total = 0;
  double accuracy() const { return total ? double(correct) / total : 0.0; }
};

// Prints a table; its last line is "accuracy: X".
EvalResult run_eval(const EvalOptions& options, std::ostream& out);
EvalResult run_eval(const Model& model, const EvalOptions& options, std::ostream& out);

}  // namespace flamingo
