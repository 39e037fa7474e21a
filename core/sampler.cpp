#include "core/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "core/error.h"

namespace flamingo {

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) {
  if (params.temperature < 0) throw ArgumentError("temperature must be >= 0");
  if (params.top_k < 0) throw ArgumentError("top-k must be >= 0");
  if (!(params.top_p > 0 && params.top_p <= 1)) throw ArgumentError("top-p must be in (0, 1]");
  if (!(params.repetition_penalty > 0)) throw ArgumentError("repetition penalty must be > 0");
}

int argmax(const std::vector<float>& values) {
  return static_cast<int>(std::max_element(values.begin(), values.end()) - values.begin());
}

void Sampler::apply_repetition_penalty(std::vector<float>& logits,
                                       const std::vector<int>& recent) const {
  if (params_.repetition_penalty == 1.0f) return;
  const size_t window = static_cast<size_t>(std::max(0, params_.repetition_window));
  const size_t begin = recent.size() > window ? recent.size() - window : 0;
  std::unordered_set<int> seen(recent.begin() + begin, recent.end());
  for (int id : seen) {
    if (id < 0 || id >= static_cast<int>(logits.size())) continue;
    float& l = logits[id];
    // Dividing a negative logit would raise it, so negative ones are multiplied.
    l = l > 0 ? l / params_.repetition_penalty : l * params_.repetition_penalty;
  }
}

int Sampler::sample(std::vector<float>& logits, const std::vector<int>& recent) {
  if (logits.empty()) throw Error("cannot sample from an empty vocabulary");
  apply_repetition_penalty(logits, recent);
  if (params_.temperature == 0.0f) return argmax(logits);
  for (float& l : logits) l /= params_.temperature;
  return sample_filtered(logits);
}

int Sampler::sample_filtered(const std::vector<float>& logits) {
  const int n = static_cast<int>(logits.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  const int k = params_.top_k > 0 ? std::min(params_.top_k, n) : n;
  auto by_logit = [&](int a, int b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
  std::partial_sort(order.begin(), order.begin() + k, order.end(), by_logit);
  order.resize(k);

  // Softmax over the kept candidates, then the smallest prefix whose mass reaches top-p.
  std::vector<double> probs(k);
  double total = 0;
  for (int i = 0; i < k; ++i) total += probs[i] = std::exp(double(logits[order[i]]) - logits[order[0]]);
  int kept = k;
  double cumulative = 0;
  for (int i = 0; i < k; ++i) {
    cumulative += probs[i] / total;
    if (cumulative >= params_.top_p) {
      kept = i + 1;
      break;
    }
  }
  std::discrete_distribution<int> pick(probs.begin(), probs.begin() + kept);
  return order[pick(rng_)];
}

}  // namespace flamingo
