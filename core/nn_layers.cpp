#include "core/nn_layers.h"

#include <ATen/ATen.h>

#include "core/language_decoder.h"
#include "core/weights.h"

namespace flamingo {

LayerNorm LayerNorm::load(LoadContext& ctx, const std::string& prefix, int64_t dim, double eps,
                          bool has_bias) {
  LayerNorm n;
  n.weight = ctx.weights.get(prefix + ".weight", {dim}, at::kFloat, ctx.device);
  if (has_bias) n.bias = ctx.weights.get(prefix + ".bias", {dim}, at::kFloat, ctx.device);
  n.eps = eps;
  return n;
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
  // Statistics in float32 whatever the activations' dtype.
  return at::layer_norm(x.to(at::kFloat), {weight.size(0)}, weight, bias, eps).to(x.scalar_type());
}

Linear Linear::load(LoadContext& ctx, const std::string& prefix, int64_t in, int64_t out,
                    bool has_bias) {
  Linear l;
  l.weight = ctx.weights.get(prefix + ".weight", {out, in}, ctx.dtype, ctx.device);
  if (has_bias) l.bias = ctx.weights.get(prefix + ".bias", {out}, ctx.dtype, ctx.device);
  return l;
}

namespace {

// ATen 1.13's bfloat16 matrix products on the CPU run as scalar loops (about
// 1 GFLOP/s against 90 in float32 BLAS, measured here), so inference in bfloat16
// multiplies in float32 and rounds back. Training (autograd) keeps the operators.
bool slow_bf16(const at::Tensor& x) {
  return x.scalar_type() == at::kBFloat16 && x.device().is_cpu() && !x.requires_grad();
}

}  // namespace

at::Tensor Linear::operator()(const at::Tensor& x) const {
  if (!slow_bf16(x) || weight.requires_grad()) return at::linear(x, weight, bias);
  auto shape = x.sizes().vec();
  shape.back() = weight.size(0);
  auto rows = linear_rows(x.reshape({-1, x.size(-1)}), weight, bias);  // [N, out]
  return rows.reshape(shape);                                          // [..., out]
}

FeedForward FeedForward::load(LoadContext& ctx, const std::string& prefix, int64_t dim, int mult) {
  FeedForward f;
  f.norm = LayerNorm::load(ctx, prefix + ".0", dim, 1e-5);
  f.up = Linear::load(ctx, prefix + ".1", dim, dim * mult, false);
  f.down = Linear::load(ctx, prefix + ".3", dim * mult, dim, false);
  return f;
}

at::Tensor FeedForward::operator()(const at::Tensor& x) const {
  return down(at::gelu(up(norm(x))));  // exact (erf) GELU, as torch.nn.GELU()
}

at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  if (slow_bf16(q)) {  // see slow_bf16
    return attend(q.to(at::kFloat), k.to(at::kFloat), v.to(at::kFloat), scale).to(q.scalar_type());
  }
  auto sim = at::bmm(q * scale, k.transpose(1, 2));                    // [H, Tq, Tk]
  auto probs = at::softmax(sim, -1, at::kFloat).to(v.scalar_type());  // [H, Tq, Tk]
  return at::bmm(probs, v);                                           // [H, Tq, E]
}

}  // namespace flamingo
