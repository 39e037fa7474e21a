#pragma once
// Internal to core/: the LLaMA-family decoder (Touvron et al., 2023) — token
// embedding, RMSNorm, rotary position embedding, grouped-query attention with a
// key/value cache, SwiGLU feed-forward, tied or separate output head.
//
// Shapes use: T tokens in the chunk, P tokens already cached, S = P + T,
// D model width, H query heads, G key/value heads, R = H / G, E head width,
// F feed-forward width, V vocabulary. Batch is always one conversation.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/language_decoder.h"
#include "core/model_config.h"

namespace flamingo {

class WeightStore;

struct DecoderLayer {
  at::Tensor attn_norm;        // [D]
  at::Tensor wq, wk, wv, wo;   // [H*E, D], [G*E, D], [G*E, D], [D, H*E]
  at::Tensor ffn_norm;         // [D]
  at::Tensor w_gate, w_up;     // [F, D]
  at::Tensor w_down;           // [D, F]
};

class LlamaDecoder : public LanguageDecoder {
 public:
  // Weight names (stable; docs/model-format.md): model.embed_tokens.weight,
  // model.layers.{i}.{input_layernorm, self_attn.{q,k,v,o}_proj,
  // post_attention_layernorm, mlp.{gate,up,down}_proj}.weight, model.norm.weight,
  // lm_head.weight (absent when tied).
  LlamaDecoder(const LanguageModelConfig& config, WeightStore& weights, at::ScalarType dtype,
               at::Device device);

  const LanguageModelConfig& config() const override { return config_; }
  at::ScalarType dtype() const override { return dtype_; }
  at::Device device() const override { return device_; }

  KVCache new_cache() const override;

  at::Tensor embed(const at::Tensor& tokens) const override;  // [T] int64 -> [T, D]
  // One decoder layer over a chunk at positions cache.length ... + T; writes the
  // chunk's keys and values into the cache but does not advance its length.
  // A single token on the CPU (the decode step) runs as plain loops rather than
  // ATen operators, as does head() for one row: same results up to the order of
  // floating-point summation.
  at::Tensor layer(int i, const at::Tensor& x, KVCache& cache) const override;  // [T, D] -> [T, D]
  at::Tensor head(const at::Tensor& x) const override;  // [T, D] -> [T, V] float32

  // The whole stack; advances the cache. Returns logits [T, V] (all rows) or
  // [1, V] (last row) as float32.
  at::Tensor forward(const at::Tensor& tokens, KVCache& cache, bool all_logits) const override;

 private:
  at::Tensor attention(int i, const at::Tensor& x, KVCache& cache) const;
  at::Tensor rotate(const at::Tensor& x, int pos) const;
  at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight) const;

  // The decode step (T == 1 on the CPU) as plain loops over the tensors' memory
  // rather than ATen operators: see llama_decoder.cpp. can_step says whether x
  // (and, for layer i, the cache) qualify; everything else takes the operators.
  bool can_step(const at::Tensor& x, int i, const KVCache* cache) const;
  at::Tensor layer_step(int i, const at::Tensor& x, KVCache& cache) const;
  at::Tensor head_step(const at::Tensor& x) const;

  LanguageModelConfig config_;
  at::ScalarType dtype_;
  at::Device device_;
  at::Tensor embed_tokens_;  // [V, D]
  std::vector<DecoderLayer> layers_;
  at::Tensor norm_;     // [D]
  at::Tensor lm_head_;  // [V, D]
  at::Tensor rope_;     // [max_seq, E/2] complex64: e^{i * pos * theta^(-2j/E)}
  at::Tensor rope_cos_sin_;  // the same as float32 [max_seq, E/2, 2]: (cos, sin)
  bool step_ok_ = false;     // weights and device suit the loop version of the decode step
};

}  // namespace flamingo
