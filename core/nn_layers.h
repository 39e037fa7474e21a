#pragma once
// Internal to core/: small building blocks shared by the vision encoder, the
// Perceiver Resampler and the gated cross-attention: LayerNorm, Linear, and
// Flamingo's FeedForward. Each loads its weights by name from a WeightStore.
#include <ATen/core/Tensor.h>

#include <string>

namespace flamingo {

class WeightStore;

struct LoadContext {
  WeightStore& weights;
  at::ScalarType dtype;
  at::Device device;
};

struct LayerNorm {
  at::Tensor weight, bias;  // [D] float32; bias undefined when the layer has none
  double eps = 1e-5;
  static LayerNorm load(LoadContext& ctx, const std::string& prefix, int64_t dim, double eps,
                        bool has_bias = true);
  at::Tensor operator()(const at::Tensor& x) const;  // [..., D] -> [..., D] in x's dtype
};

struct Linear {
  at::Tensor weight, bias;  // [out, in], [out] or undefined
  static Linear load(LoadContext& ctx, const std::string& prefix, int64_t in, int64_t out,
                     bool has_bias);
  at::Tensor operator()(const at::Tensor& x) const;  // [..., in] -> [..., out]
};

// OpenFlamingo's FeedForward: LayerNorm, Linear (no bias), exact GELU, Linear (no
// bias); its checkpoint keys are the Sequential's indices 0, 1 and 3.
struct FeedForward {
  LayerNorm norm;
  Linear up, down;
  static FeedForward load(LoadContext& ctx, const std::string& prefix, int64_t dim, int mult);
  at::Tensor operator()(const at::Tensor& x) const;  // [..., D] -> [..., D]
};

// softmax(q k^T * scale) v over heads: q [H, Tq, E], k and v [H, Tk, E] -> [H, Tq, E].
at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale);

}  // namespace flamingo
