#include "core/language_decoder.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/llama_decoder.h"
#include "core/mpt_decoder.h"
#include "core/neox_decoder.h"

namespace flamingo {

namespace detail {
at::Tensor step_linear(const at::Tensor& x, const at::Tensor& w);  // llama_decoder.cpp
}

at::Tensor LanguageDecoder::forward(const at::Tensor& tokens, KVCache& cache, bool all_logits) const {
  const int64_t T = tokens.size(0);
  const auto& c = config();
  if (cache.length + T > c.max_seq_len)
    throw Error("the conversation needs " + std::to_string(cache.length + T) +
                " tokens, more than the model's context of " + std::to_string(c.max_seq_len));
  auto x = embed(tokens);                                           // [T, D]
  for (int i = 0; i < c.n_layers; ++i) x = layer(i, x, cache);
  cache.length += static_cast<int>(T);
  return head(all_logits ? x : x.narrow(0, T - 1, 1));             // [T or 1, V]
}

std::unique_ptr<LanguageDecoder> make_language_decoder(const LanguageModelConfig& c, WeightStore& w,
                                                       at::ScalarType dtype, at::Device device) {
  if (c.type == "llama") return std::make_unique<LlamaDecoder>(c, w, dtype, device);
  if (c.type == "mpt") return std::make_unique<MptDecoder>(c, w, dtype, device);
  if (c.type == "gpt_neox") return std::make_unique<NeoXDecoder>(c, w, dtype, device);
  throw ArgumentError("unknown language model type \"" + c.type + "\" (known: llama, mpt, gpt_neox)");
}

at::Tensor linear_rows(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  const auto type = x.scalar_type();
  // The loops record nothing for autograd, and know only these dtypes.
  const bool plain = x.dim() == 2 && x.device().is_cpu() && w.device().is_cpu() && w.is_contiguous() &&
                     w.scalar_type() == type && (type == at::kFloat || type == at::kBFloat16) &&
                     !x.requires_grad() && !w.requires_grad();
  at::Tensor y;
  if (plain && x.size(0) == 1) {
    y = detail::step_linear(x, w);                                  // [1, N]
  } else if (plain && type == at::kBFloat16) {
    y = at::matmul(x.to(at::kFloat), w.to(at::kFloat).t()).to(type);  // [T, N]
  } else {
    y = at::matmul(x, w.t());                                       // [T, N]
  }
  return bias.defined() ? y + bias : y;
}

KVCache allocate_kv_cache(const LanguageModelConfig& config, int kv_heads, at::ScalarType dtype,
                          at::Device device) {
  KVCache cache;
  auto opts = at::TensorOptions().dtype(dtype).device(device);
  for (int i = 0; i < config.n_layers; ++i) {
    cache.k.push_back(at::zeros({kv_heads, config.max_seq_len, config.head_dim()}, opts));  // [G, max, E]
    cache.v.push_back(at::zeros({kv_heads, config.max_seq_len, config.head_dim()}, opts));
  }
  return cache;
}

}  // namespace flamingo
