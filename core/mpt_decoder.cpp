#include "core/mpt_decoder.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/weights.h"

namespace flamingo {
namespace {

// The two layouts' names for the same tensors (docs/model-format.md).
struct Names {
  const char *norm_1, *norm_2, *up, *down, *norm_f;
};
constexpr Names kMosaicGpt{"ln_1", "ln_2", "mlp.mlp_up", "mlp.mlp_down", "transformer.ln_f"};
constexpr Names kMpt{"norm_1", "norm_2", "ffn.up_proj", "ffn.down_proj", "transformer.norm_f"};

std::string block_key(int i, const std::string& leaf) {
  return "transformer.blocks." + std::to_string(i) + "." + leaf + ".weight";
}

}  // namespace

at::Tensor MptDecoder::alibi_slopes(int n_heads, double bias_max, bool power_of_two_rule) {
  // Head h (1-based) of n gets 2^(-h * bias_max / n): MosaicGPT's alibi_bias()
  // (mosaicml/examples, examples/llm/src/models/layers/attention.py). llm-foundry's
  // gen_slopes() (llmfoundry/models/layers/attention.py, MPT-7B) computes them for
  // the next power of two n' >= n and, when n' != n, keeps the odd-numbered slopes
  // then the even-numbered ones, truncated to n.
  int n = n_heads;
  if (power_of_two_rule)
    while (n < n_heads || (n & (n - 1)) != 0) ++n;
  auto m = at::arange(1, n + 1, at::kDouble) * (bias_max / n);        // [n]
  auto slopes = at::pow(2.0, -m);                                      // [n]
  if (n != n_heads) {
    auto odd = slopes.slice(0, 1, n, 2), even = slopes.slice(0, 0, n, 2);
    slopes = at::cat({odd, even}).narrow(0, 0, n_heads);              // [H]
  }
  return slopes.to(at::kFloat);
}

MptDecoder::MptDecoder(const LanguageModelConfig& c, WeightStore& w, at::ScalarType dtype,
                       at::Device device)
    : config_(c), dtype_(dtype), device_(device) {
  if (c.n_kv_heads != c.n_heads) throw ArgumentError("MPT needs n_kv_heads == n_heads");
  const bool mosaic = c.mpt_layout == "mosaic_gpt";
  if (!mosaic && c.mpt_layout != "mpt")
    throw ArgumentError("unknown mpt_layout \"" + c.mpt_layout + "\" (known: mosaic_gpt, mpt)");
  const Names& n = mosaic ? kMosaicGpt : kMpt;
  const int64_t D = c.dim, F = c.hidden_dim, V = c.vocab_size;
  wte_ = w.get("transformer.wte.weight", {V, D}, dtype, device);
  for (int i = 0; i < c.n_layers; ++i) {
    Layer l;
    l.norm_1 = w.get(block_key(i, n.norm_1), {D}, at::kFloat, device);
    l.wqkv = w.get(block_key(i, "attn.Wqkv"), {3 * D, D}, dtype, device);
    if (c.qk_ln) {
      l.q_ln = w.get(block_key(i, "attn.q_ln"), {D}, at::kFloat, device);
      l.k_ln = w.get(block_key(i, "attn.k_ln"), {D}, at::kFloat, device);
    }
    l.out_proj = w.get(block_key(i, "attn.out_proj"), {D, D}, dtype, device);
    l.norm_2 = w.get(block_key(i, n.norm_2), {D}, at::kFloat, device);
    l.up = w.get(block_key(i, n.up), {F, D}, dtype, device);
    l.down = w.get(block_key(i, n.down), {D, F}, dtype, device);
    layers_.push_back(std::move(l));
  }
  norm_f_ = w.get(std::string(n.norm_f) + ".weight", {D}, at::kFloat, device);
  slopes_ = alibi_slopes(c.n_heads, c.alibi_bias_max, !mosaic).to(device);
}

KVCache MptDecoder::new_cache() const {
  return allocate_kv_cache(config_, config_.n_heads, dtype_, device_);
}

at::Tensor MptDecoder::embed(const at::Tensor& tokens) const {
  return at::embedding(wte_, tokens);  // [T, D]
}

at::Tensor MptDecoder::norm(const at::Tensor& x, const at::Tensor& weight) const {
  // Statistics in float32 whatever the compute dtype (as MPT's low-precision
  // LayerNorm does under autocast).
  return at::layer_norm(x.to(at::kFloat), {weight.size(0)}, weight, {}, config_.norm_eps).to(dtype_);
}

at::Tensor MptDecoder::attention(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  const int64_t T = x.size(0), P = cache.length, S = P + T;
  const int64_t D = config_.dim, H = config_.n_heads, E = config_.head_dim();
  auto qkv = linear_rows(x, l.wqkv);                                // [T, 3D]
  auto q = qkv.narrow(1, 0, D), k = qkv.narrow(1, D, D), v = qkv.narrow(1, 2 * D, D);  // [T, D]
  if (config_.qk_ln) {  // over the full width, before the split into heads
    q = norm(q, l.q_ln);
    k = norm(k, l.k_ln);
  }
  cache.k[i].narrow(1, P, T).copy_(k.reshape({T, H, E}).transpose(0, 1));  // [H, T, E]
  cache.v[i].narrow(1, P, T).copy_(v.reshape({T, H, E}).transpose(0, 1));
  auto keys = cache.k[i].narrow(1, 0, S);                           // [H, S, E]
  auto values = cache.v[i].narrow(1, 0, S);                         // [H, S, E]
  auto qh = q.reshape({T, H, E}).transpose(0, 1);                   // [H, T, E]
  auto scores = at::bmm(qh, keys.transpose(1, 2)).to(at::kFloat) * (1.0 / std::sqrt(double(E)));  // [H, T, S]

  // ALiBi: key j seen from query position P + t costs slope_h * (P + t - j).
  // MPT adds slope_h * (j - (S - 1)) instead, which differs by a constant per
  // query row and so gives the same softmax; the relative form stays small.
  auto opts = at::TensorOptions().dtype(at::kFloat).device(device_);
  auto rel = at::arange(0, S, opts).unsqueeze(0) - at::arange(P, S, opts).unsqueeze(1);  // [T, S]
  scores = scores + slopes_.view({H, 1, 1}) * rel;                  // [H, T, S]
  if (T > 1) scores = scores.masked_fill(rel.gt(0), -INFINITY);     // causal
  auto probs = at::softmax(scores, -1).to(dtype_);                  // [H, T, S]
  auto out = at::bmm(probs, values).transpose(0, 1).reshape({T, D});  // [T, D]
  return linear_rows(out, l.out_proj);                              // [T, D]
}

at::Tensor MptDecoder::layer(int i, const at::Tensor& x, KVCache& cache) const {
  const auto& l = layers_[i];
  auto h = x + attention(i, norm(x, l.norm_1), cache);              // [T, D]
  auto up = at::gelu(linear_rows(norm(h, l.norm_2), l.up));         // [T, F], exact (erf) GELU
  return h + linear_rows(up, l.down);                               // [T, D]
}

at::Tensor MptDecoder::head(const at::Tensor& x) const {
  return linear_rows(norm(x, norm_f_), wte_).to(at::kFloat);        // [T, V]
}

}  // namespace flamingo
