#pragma once
// Internal to core/: what FlamingoModel, the engine and the bench need of a
// language model, whatever its family (LLaMA, MPT, GPT-NeoX). The gated
// cross-attention blocks sit between the layers, so a decoder exposes its pieces
// (embed, one layer, head) as well as the whole forward pass.
//
// Shapes: T tokens in the chunk, P tokens already cached, D model width, V
// vocabulary. Batch is always one conversation.
#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "core/model_config.h"

namespace flamingo {

class WeightStore;

// Keys and values of every layer for the tokens seen so far. Preallocated to
// the model's context length so appending never reallocates.
struct KVCache {
  std::vector<at::Tensor> k, v;  // per layer [G, max_seq, E]
  int length = 0;                // P
};

class LanguageDecoder {
 public:
  virtual ~LanguageDecoder() = default;

  virtual const LanguageModelConfig& config() const = 0;
  virtual at::ScalarType dtype() const = 0;
  virtual at::Device device() const = 0;

  virtual KVCache new_cache() const = 0;
  virtual at::Tensor embed(const at::Tensor& tokens) const = 0;  // [T] int64 -> [T, D]
  // One decoder layer over a chunk at positions cache.length ... + T; writes the
  // chunk's keys and values into the cache but does not advance its length.
  virtual at::Tensor layer(int i, const at::Tensor& x, KVCache& cache) const = 0;  // [T, D] -> [T, D]
  virtual at::Tensor head(const at::Tensor& x) const = 0;  // [T, D] -> [T, V] float32

  // The whole stack; advances the cache. Returns logits [T, V] (all rows) or
  // [1, V] (last row) as float32.
  virtual at::Tensor forward(const at::Tensor& tokens, KVCache& cache, bool all_logits) const;
};

// An empty cache for `config`'s layers, `kv_heads` key/value heads each,
// preallocated to the context length.
KVCache allocate_kv_cache(const LanguageModelConfig& config, int kv_heads, at::ScalarType dtype,
                          at::Device device);

// The decoder of config.type ("llama", "mpt", "gpt_neox").
std::unique_ptr<LanguageDecoder> make_language_decoder(const LanguageModelConfig& config,
                                                       WeightStore& weights, at::ScalarType dtype,
                                                       at::Device device);

// x [T, K] times w [N, K] transposed (+ bias [N] when defined) -> [T, N] in x's
// dtype. A single row on the CPU takes the decode-step loops of
// llama_decoder.cpp (ATen's one-row products pack the whole matrix, and its
// bfloat16 products are scalar loops); several bfloat16 rows on the CPU are
// multiplied in float32 and rounded back, for the same reason. Same results as
// at::matmul up to the order of summation and one rounding.
at::Tensor linear_rows(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias = {});

}  // namespace flamingo
