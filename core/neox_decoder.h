#pragma once
// Internal to core/: the GPT-NeoX decoder (Black et al., 2022), the language
// model of OpenFlamingo's RedPajama-INCITE variants: LayerNorms and Linears with
// bias, a fused per-head query_key_value, rotary embedding on the first
// rotary_pct of each head (half layout), exact-GELU MLP, parallel or sequential
// residual, untied output head.
//
// Shapes: T tokens in the chunk, P tokens already cached, S = P + T, D model
// width, H heads, E head width, R rotated dims per head, F MLP width, V vocabulary.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/language_decoder.h"

namespace flamingo {

class NeoXDecoder : public LanguageDecoder {
 public:
  // Weight names: docs/model-format.md, "GPT-NeoX".
  NeoXDecoder(const LanguageModelConfig& config, WeightStore& weights, at::ScalarType dtype,
              at::Device device);

  const LanguageModelConfig& config() const override { return config_; }
  at::ScalarType dtype() const override { return dtype_; }
  at::Device device() const override { return device_; }

  KVCache new_cache() const override;
  at::Tensor embed(const at::Tensor& tokens) const override;                      // [T] -> [T, D]
  at::Tensor layer(int i, const at::Tensor& x, KVCache& cache) const override;  // [T, D] -> [T, D]
  at::Tensor head(const at::Tensor& x) const override;                          // [T, D] -> [T, V]

 private:
  struct Norm {
    at::Tensor weight, bias;  // [D] float32
  };
  struct Layer {
    Norm ln_1, ln_2;
    at::Tensor qkv, qkv_bias;      // [3D, D], [3D]: rows grouped [H, 3 (q, k, v), E]
    at::Tensor dense, dense_bias;  // [D, D], [D]
    at::Tensor up, up_bias;        // [F, D], [F]
    at::Tensor down, down_bias;    // [D, F], [D]
  };
  Norm load_norm(WeightStore& w, const std::string& prefix) const;
  at::Tensor norm(const at::Tensor& x, const Norm& n) const;  // [T, D]
  at::Tensor rotate(const at::Tensor& x, int64_t pos) const;  // [T, H, E] at positions pos ...
  at::Tensor attention(int i, const at::Tensor& x, KVCache& cache) const;
  at::Tensor mlp(int i, const at::Tensor& x) const;

  LanguageModelConfig config_;
  at::ScalarType dtype_;
  at::Device device_;
  at::Tensor embed_in_;  // [V, D]
  std::vector<Layer> layers_;
  Norm final_norm_;
  at::Tensor embed_out_;  // [V, D]
  at::Tensor cos_, sin_;  // [max_seq, R/2] float32
};

}  // namespace flamingo
