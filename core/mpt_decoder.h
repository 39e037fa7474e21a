#pragma once
// Internal to core/: MosaicML's MPT decoder, the language model of
// OpenFlamingo-3B (MPT-1B, MosaicGPT code) and -9B (MPT-7B): LayerNorms without
// bias, fused Wqkv, optional LayerNorms on queries and keys, ALiBi (Press et
// al., 2022) instead of position embeddings, exact-GELU MLP, no biases, output
// head tied to the token embedding.
//
// Shapes: T tokens in the chunk, P tokens already cached, S = P + T, D model
// width, H heads, E head width, F MLP width, V vocabulary.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/language_decoder.h"

namespace flamingo {

class MptDecoder : public LanguageDecoder {
 public:
  // Weight names: docs/model-format.md, "MPT" (two layouts, by config.mpt_layout).
  MptDecoder(const LanguageModelConfig& config, WeightStore& weights, at::ScalarType dtype,
             at::Device device);

  const LanguageModelConfig& config() const override { return config_; }
  at::ScalarType dtype() const override { return dtype_; }
  at::Device device() const override { return device_; }

  KVCache new_cache() const override;
  at::Tensor embed(const at::Tensor& tokens) const override;                      // [T] -> [T, D]
  at::Tensor layer(int i, const at::Tensor& x, KVCache& cache) const override;  // [T, D] -> [T, D]
  at::Tensor head(const at::Tensor& x) const override;                          // [T, D] -> [T, V]

  // ALiBi's per-head slopes as the layout's code computes them: [H] float32.
  static at::Tensor alibi_slopes(int n_heads, double bias_max, bool power_of_two_rule);

 private:
  struct Layer {
    at::Tensor norm_1, norm_2;  // [D] float32
    at::Tensor q_ln, k_ln;      // [D] float32, undefined without qk_ln
    at::Tensor wqkv;            // [3D, D]: rows q, then k, then v
    at::Tensor out_proj;        // [D, D]
    at::Tensor up;              // [F, D]
    at::Tensor down;            // [D, F]
  };
  at::Tensor norm(const at::Tensor& x, const at::Tensor& weight) const;  // [T, D], no bias
  at::Tensor attention(int i, const at::Tensor& x, KVCache& cache) const;

  LanguageModelConfig config_;
  at::ScalarType dtype_;
  at::Device device_;
  at::Tensor wte_;     // [V, D], also the output head
  std::vector<Layer> layers_;
  at::Tensor norm_f_;  // [D] float32
  at::Tensor slopes_;  // [H] float32
};

}  // namespace flamingo
