#include "core/neox_decoder.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/weights.h"

namespace flamingo {
namespace {

std::string layer_prefix(int i) { return "gpt_neox.layers." + std::to_string(i) + "."; }

}  // namespace

NeoXDecoder::Norm NeoXDecoder::load_norm(WeightStore& w, const std::string& prefix) const {
  const int64_t D = config_.dim;
  return {w.get(prefix + ".weight", {D}, at::kFloat, device_), w.get(prefix + ".bias", {D}, at::kFloat, device_)};
}

NeoXDecoder::NeoXDecoder(const LanguageModelConfig& c, WeightStore& w, at::ScalarType dtype,
                         at::Device device)
    : config_(c), dtype_(dtype), device_(device) {
  if (c.n_kv_heads != c.n_heads) throw ArgumentError("GPT-NeoX needs n_kv_heads == n_heads");
  const int64_t R = c.rotary_dims();
  if (R < 2 || R % 2 != 0 || R > c.head_dim())
    throw ArgumentError("GPT-NeoX rotates " + std::to_string(R) + " dimensions per head; that must be even, "
                        ">= 2 and at most the head width");
  const int64_t D = c.dim, F = c.hidden_dim, V = c.vocab_size;
  auto get = [&](const std::string& name, std::vector<int64_t> shape) {
    return w.get(name, shape, dtype, device);
  };
  embed_in_ = get("gpt_neox.embed_in.weight", {V, D});
  for (int i = 0; i < c.n_layers; ++i) {
    const std::string p = layer_prefix(i);
    Layer l;
    l.ln_1 = load_norm(w, p + "input_layernorm");
    l.ln_2 = load_norm(w, p + "post_attention_layernorm");
    l.qkv = get(p + "attention.query_key_value.weight", {3 * D, D});
    l.qkv_bias = get(p + "attention.query_key_value.bias", {3 * D});
    l.dense = get(p + "attention.dense.weight", {D, D});
    l.dense_bias = get(p + "attention.dense.bias", {D});
    l.up = get(p + "mlp.dense_h_to_4h.weight", {F, D});
    l.up_bias = get(p + "mlp.dense_h_to_4h.bias", {F});
    l.down = get(p + "mlp.dense_4h_to_h.weight", {D, F});
    l.down_bias = get(p + "mlp.dense_4h_to_h.bias", {D});
    layers_.push_back(std::move(l));
  }
  final_norm_ = load_norm(w, "gpt_neox.final_layer_norm");
  embed_out_ = c.tie_embeddings ? embed_in_ : get("embed_out.weight", {V, D});

  // Frequency j of the rotated part turns by pos * theta^(-2j/R) (RoFormer, with
  // GPT-NeoX's rotary_emb_base and rotary dims).
  auto j = at::arange(0, R / 2, at::kDouble);
  auto inv_freq = at::pow(c.rope_theta, -2.0 * j / double(R));                  // [R/2]
  auto angles = at::outer(at::arange(0, c.max_seq_len, at::kDouble), inv_freq);  // [max_seq, R/2]
  cos_ = angles.cos().to(at::kFloat).to(device);
  sin_ = angles.sin().to(at::kFloat).to(device);
}

KVCache NeoXDecoder::new_cache() const {
  return allocate_kv_cache(config_, config_.n_heads, dtype_, device_);
}

at::Tensor NeoXDecoder::embed(const at::Tensor& tokens) const {
  return at::embedding(embed_in_, tokens);  // [T, D]
}

at::Tensor NeoXDecoder::norm(const at::Tensor& x, const Norm& n) const {
  return at::layer_norm(x.to(at::kFloat), {n.weight.size(0)}, n.weight, n.bias, config_.norm_eps).to(dtype_);
}

at::Tensor NeoXDecoder::rotate(const at::Tensor& x, int64_t pos) const {
  // The half layout: dims (j, j + R/2) of the first R turn together; the rest pass.
  const int64_t T = x.size(0), R = config_.rotary_dims(), E = x.size(2);
  auto xf = x.to(at::kFloat);                                          // [T, H, E]
  auto a = xf.narrow(2, 0, R / 2), b = xf.narrow(2, R / 2, R / 2);    // [T, H, R/2]
  auto c = cos_.narrow(0, pos, T).unsqueeze(1), s = sin_.narrow(0, pos, T).unsqueeze(1);  // [T, 1, R/2]
  std::vector<at::Tensor> parts = {a * c - b * s, b * c + a * s};
  if (R < E) parts.push_back(xf.narrow(2, R, E - R));
  return at::cat(parts, 2).to(dtype_);                                 // [T, H, E]
}

at::Tensor NeoXDecoder::attention(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  const int64_t T = x.size(0), P = cache.length, S = P + T;
  const int64_t D = config_.dim, H = config_.n_heads, E = config_.head_dim();
  auto qkv = linear_rows(x, l.qkv, l.qkv_bias).view({T, H, 3, E});    // [T, H, 3, E]
  auto q = rotate(qkv.select(2, 0), P);                               // [T, H, E]
  auto k = rotate(qkv.select(2, 1), P);                               // [T, H, E]
  auto v = qkv.select(2, 2);                                          // [T, H, E]
  cache.k[i].narrow(1, P, T).copy_(k.transpose(0, 1));                // [H, T, E]
  cache.v[i].narrow(1, P, T).copy_(v.transpose(0, 1));
  auto keys = cache.k[i].narrow(1, 0, S);                             // [H, S, E]
  auto values = cache.v[i].narrow(1, 0, S);                           // [H, S, E]
  auto scores = at::bmm(q.transpose(0, 1), keys.transpose(1, 2)).to(at::kFloat) *
                (1.0 / std::sqrt(double(E)));                         // [H, T, S]
  if (T > 1) {
    // Token t sits at position P + t and sees positions 0 .. P + t.
    auto mask = at::ones({T, S}, at::TensorOptions().dtype(at::kBool).device(device_)).triu(P + 1);
    scores = scores.masked_fill(mask, -INFINITY);
  }
  auto probs = at::softmax(scores, -1).to(dtype_);                    // [H, T, S]
  auto out = at::bmm(probs, values).transpose(0, 1).reshape({T, D});  // [T, D]
  return linear_rows(out, l.dense, l.dense_bias);                     // [T, D]
}

at::Tensor NeoXDecoder::mlp(int i, const at::Tensor& x) const {
  const auto& l = layers_[i];
  auto up = at::gelu(linear_rows(x, l.up, l.up_bias));                // [T, F], exact GELU
  return linear_rows(up, l.down, l.down_bias);                        // [T, D]
}

at::Tensor NeoXDecoder::layer(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  auto attn = attention(i, norm(x, l.ln_1), cache);                   // [T, D]
  if (config_.parallel_residual) return x + attn + mlp(i, norm(x, l.ln_2));
  auto h = x + attn;
  return h + mlp(i, norm(h, l.ln_2));
}

at::Tensor NeoXDecoder::head(const at::Tensor& x) const {
  return linear_rows(norm(x, final_norm_), embed_out_).to(at::kFloat);  // [T, V]
}

}  // namespace flamingo
