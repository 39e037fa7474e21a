#include "core/llama_decoder.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/weights.h"

namespace flamingo {
namespace {

std::string layer_key(int i, const char* leaf) {
  return "model.layers." + std::to_string(i) + "." + leaf + ".weight";
}

// Rotation factors of RoFormer (Su et al., 2021): frequency j of the head
// dimension turns by pos * theta^(-2j/E).
at::Tensor rope_table(int max_seq, int head_dim, double theta, at::Device device) {
  auto j = at::arange(0, head_dim / 2, at::kDouble);
  auto inv_freq = at::pow(theta, -2.0 * j / head_dim);                    // [E/2]
  auto pos = at::arange(0, max_seq, at::kDouble);                          // [max_seq]
  auto angles = at::outer(pos, inv_freq).to(at::kFloat);                   // [max_seq, E/2]
  return at::polar(at::ones_like(angles), angles).to(device);             // complex64
}

}  // namespace

LlamaDecoder::LlamaDecoder(const LanguageModelConfig& c, WeightStore& w, at::ScalarType dtype,
                           at::Device device)
    : config_(c), dtype_(dtype), device_(device) {
  const int64_t D = c.dim, F = c.hidden_dim, V = c.vocab_size;
  const int64_t HE = int64_t(c.n_heads) * c.head_dim(), GE = int64_t(c.n_kv_heads) * c.head_dim();
  embed_tokens_ = w.get("model.embed_tokens.weight", {V, D}, dtype, device);
  for (int i = 0; i < c.n_layers; ++i) {
    DecoderLayer l;
    l.attn_norm = w.get(layer_key(i, "input_layernorm"), {D}, at::kFloat, device);
    l.wq = w.get(layer_key(i, "self_attn.q_proj"), {HE, D}, dtype, device);
    l.wk = w.get(layer_key(i, "self_attn.k_proj"), {GE, D}, dtype, device);
    l.wv = w.get(layer_key(i, "self_attn.v_proj"), {GE, D}, dtype, device);
    l.wo = w.get(layer_key(i, "self_attn.o_proj"), {D, HE}, dtype, device);
    l.ffn_norm = w.get(layer_key(i, "post_attention_layernorm"), {D}, at::kFloat, device);
    l.w_gate = w.get(layer_key(i, "mlp.gate_proj"), {F, D}, dtype, device);
    l.w_up = w.get(layer_key(i, "mlp.up_proj"), {F, D}, dtype, device);
    l.w_down = w.get(layer_key(i, "mlp.down_proj"), {D, F}, dtype, device);
    layers_.push_back(std::move(l));
  }
  norm_ = w.get("model.norm.weight", {D}, at::kFloat, device);
  lm_head_ = c.tie_embeddings ? embed_tokens_ : w.get("lm_head.weight", {V, D}, dtype, device);
  rope_ = rope_table(c.max_seq_len, c.head_dim(), c.rope_theta, device);
}

KVCache LlamaDecoder::new_cache() const {
  KVCache cache;
  auto opts = at::TensorOptions().dtype(dtype_).device(device_);
  for (int i = 0; i < config_.n_layers; ++i) {
    cache.k.push_back(at::zeros({config_.n_kv_heads, config_.max_seq_len, config_.head_dim()}, opts));
    cache.v.push_back(at::zeros({config_.n_kv_heads, config_.max_seq_len, config_.head_dim()}, opts));
  }
  return cache;
}

at::Tensor LlamaDecoder::embed(const at::Tensor& tokens) const {
  return at::embedding(embed_tokens_, tokens);  // [T, D]
}

at::Tensor LlamaDecoder::rms_norm(const at::Tensor& x, const at::Tensor& weight) const {
  // In float32 whatever the weights' dtype: the mean of squares loses too much in bf16.
  auto xf = x.to(at::kFloat);                                             // [T, D]
  auto scale = at::rsqrt(xf.pow(2).mean(-1, true) + config_.norm_eps);    // [T, 1]
  return (xf * scale * weight).to(dtype_);                                 // [T, D]
}

at::Tensor LlamaDecoder::rotate(const at::Tensor& x, int pos) const {
  const int64_t T = x.size(0), N = x.size(1), E = x.size(2);
  at::Tensor pairs;
  if (config_.rope_layout == RopeLayout::kInterleaved) {
    pairs = x.to(at::kFloat).reshape({T, N, E / 2, 2});                  // pairs (2j, 2j+1)
  } else {
    // Half rotation pairs (j, j + E/2). Gathering them into adjacent slots permutes
    // the head dimension of queries and keys alike, which leaves q.k unchanged, so
    // the permuted order is kept (also in the cache).
    pairs = x.to(at::kFloat).reshape({T, N, 2, E / 2}).transpose(2, 3).contiguous();
  }
  auto rot = at::view_as_complex(pairs) * rope_.narrow(0, pos, T).unsqueeze(1);  // [T, N, E/2]
  return at::view_as_real(rot).reshape({T, N, E}).to(dtype_);             // [T, N, E]
}

at::Tensor LlamaDecoder::attention(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  const int64_t T = x.size(0), P = cache.length, S = P + T;
  const int64_t H = config_.n_heads, G = config_.n_kv_heads, R = H / G, E = config_.head_dim();
  auto q = rotate(at::matmul(x, l.wq.t()).view({T, H, E}), P);     // [T, H, E]
  auto k = rotate(at::matmul(x, l.wk.t()).view({T, G, E}), P);     // [T, G, E]
  auto v = at::matmul(x, l.wv.t()).view({T, G, E});                 // [T, G, E]
  cache.k[i].narrow(1, P, T).copy_(k.transpose(0, 1));              // [G, T, E]
  cache.v[i].narrow(1, P, T).copy_(v.transpose(0, 1));
  auto keys = cache.k[i].narrow(1, 0, S);                           // [G, S, E]
  auto values = cache.v[i].narrow(1, 0, S);                         // [G, S, E]

  // Grouped-query attention without copying keys: the R query heads that share a
  // key head are stacked along the token axis.
  auto qg = q.view({T, G, R, E}).permute({1, 2, 0, 3}).reshape({G, R * T, E});  // [G, R*T, E]
  auto scores = at::bmm(qg, keys.transpose(1, 2)) * (1.0 / std::sqrt(double(E)));  // [G, R*T, S]
  if (T > 1) {
    // Token t sits at position P + t and sees positions 0 .. P + t.
    auto mask = at::ones({T, S}, at::TensorOptions().dtype(at::kBool).device(device_))
                    .triu(P + 1);                                   // [T, S] true = hidden
    scores = scores.view({G, R, T, S}).masked_fill(mask, -INFINITY).view({G, R * T, S});
  }
  auto probs = at::softmax(scores, -1, at::kFloat).to(dtype_);      // [G, R*T, S]
  auto out = at::bmm(probs, values);                                // [G, R*T, E]
  out = out.view({G, R, T, E}).permute({2, 0, 1, 3}).reshape({T, H * E});  // [T, H*E]
  return at::matmul(out, l.wo.t());                                 // [T, D]
}

at::Tensor LlamaDecoder::layer(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  auto h = x + attention(i, rms_norm(x, l.attn_norm), cache);       // [T, D]
  auto n = rms_norm(h, l.ffn_norm);
  auto gate = at::silu(at::matmul(n, l.w_gate.t()));                // [T, F]
  auto up = at::matmul(n, l.w_up.t());                              // [T, F]
  return h + at::matmul(gate * up, l.w_down.t());                   // [T, D]
}

at::Tensor LlamaDecoder::head(const at::Tensor& x) const {
  return at::matmul(rms_norm(x, norm_), lm_head_.t()).to(at::kFloat);  // [T, V]
}

at::Tensor LlamaDecoder::forward(const at::Tensor& tokens, KVCache& cache, bool all_logits) const {
  const int64_t T = tokens.size(0);
  if (cache.length + T > config_.max_seq_len)
    throw Error("the conversation needs " + std::to_string(cache.length + T) +
                " tokens, more than the model's context of " + std::to_string(config_.max_seq_len));
  auto x = embed(tokens);                                           // [T, D]
  for (int i = 0; i < config_.n_layers; ++i) x = layer(i, x, cache);
  cache.length += static_cast<int>(T);
  return head(all_logits ? x : x.narrow(0, T - 1, 1));             // [T or 1, V]
}

}  // namespace flamingo
