#pragma once
// Picks the next token from a row of logits. Plain C++ on floats: the vocabulary
// is a few thousand entries, so this costs microseconds and needs no LibTorch.
#include <cstdint>
#include <random>
#include <vector>

namespace flamingo {

struct SamplingParams {
  float temperature = 0.8f;  // 0 means greedy
  int top_k = 40;            // 0 disables
  float top_p = 0.95f;       // 1 disables
  float repetition_penalty = 1.0f;  // 1 disables; CTRL's rule (Keskar et al., 2019)
  int repetition_window = 64;       // how many recent tokens the penalty looks at
  uint64_t seed = 0;
};

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);

  // `logits` is modified in place (penalty, temperature). `recent` are the
  // tokens seen so far, newest last.
  int sample(std::vector<float>& logits, const std::vector<int>& recent);

 private:
  void apply_repetition_penalty(std::vector<float>& logits, const std::vector<int>& recent) const;
  int sample_filtered(const std::vector<float>& logits);

  SamplingParams params_;
  std::mt19937_64 rng_;
};

// Index of the largest value; ties go to the lowest index, as in llama2.c.
int argmax(const std::vector<float>& values);

}  // namespace flamingo
