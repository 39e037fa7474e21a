#include "core/vision_encoder.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/weights.h"

namespace flamingo {

VisionEncoder::VisionEncoder(const VisionEncoderConfig& c, LoadContext& ctx, const std::string& p)
    : config_(c) {
  const int64_t W = c.width, P = c.patch_size, M = c.mlp_dim, L = 1 + c.num_patches();
  conv1_ = ctx.weights.get(p + "conv1.weight", {W, 3, P, P}, ctx.dtype, ctx.device);
  class_embedding_ = ctx.weights.get(p + "class_embedding", {W}, ctx.dtype, ctx.device);
  positional_embedding_ = ctx.weights.get(p + "positional_embedding", {L, W}, ctx.dtype, ctx.device);
  ln_pre_ = LayerNorm::load(ctx, p + "ln_pre", W, c.norm_eps);
  if (c.use_ln_post) ln_post_ = LayerNorm::load(ctx, p + "ln_post", W, c.norm_eps);
  for (int i = 0; i < c.layers; ++i) {
    const std::string b = p + "transformer.resblocks." + std::to_string(i) + ".";
    ResidualAttentionBlock r;
    r.ln_1 = LayerNorm::load(ctx, b + "ln_1", W, c.norm_eps);
    r.in_proj.weight = ctx.weights.get(b + "attn.in_proj_weight", {3 * W, W}, ctx.dtype, ctx.device);
    r.in_proj.bias = ctx.weights.get(b + "attn.in_proj_bias", {3 * W}, ctx.dtype, ctx.device);
    r.out_proj = Linear::load(ctx, b + "attn.out_proj", W, W, true);
    r.ln_2 = LayerNorm::load(ctx, b + "ln_2", W, c.norm_eps);
    r.c_fc = Linear::load(ctx, b + "mlp.c_fc", W, M, true);
    r.c_proj = Linear::load(ctx, b + "mlp.c_proj", M, W, true);
    blocks_.push_back(std::move(r));
  }
}

at::Tensor VisionEncoder::activation(const at::Tensor& x) const {
  // QuickGELU, x * sigmoid(1.702 x), is what OpenAI's CLIP was trained with.
  if (config_.activation == "quick_gelu") return x * at::sigmoid(1.702 * x);
  return at::gelu(x);
}

at::Tensor VisionEncoder::block(const ResidualAttentionBlock& b, const at::Tensor& x) const {
  const int64_t N = x.size(0), L = x.size(1), H = config_.heads, E = config_.width / H;
  auto qkv = b.in_proj(b.ln_1(x)).view({N, L, 3, H, E}).permute({2, 0, 3, 1, 4});  // [3, N, H, L, E]
  auto q = qkv[0].reshape({N * H, L, E}), k = qkv[1].reshape({N * H, L, E});
  auto v = qkv[2].reshape({N * H, L, E});
  auto out = attend(q, k, v, 1.0 / std::sqrt(double(E)));                           // [N*H, L, E]
  out = out.view({N, H, L, E}).transpose(1, 2).reshape({N, L, H * E});               // [N, L, W]
  auto h = x + b.out_proj(out);
  return h + b.c_proj(activation(b.c_fc(b.ln_2(h))));                                // [N, L, W]
}

at::Tensor VisionEncoder::forward(const at::Tensor& pixels) const {
  const int64_t N = pixels.size(0), W = config_.width;
  auto x = at::conv2d(pixels.to(conv1_.scalar_type()), conv1_, {}, config_.patch_size);  // [N, W, g, g]
  x = x.flatten(2).transpose(1, 2);                                                        // [N, v, W]
  auto cls = class_embedding_.view({1, 1, W}).expand({N, 1, W});
  x = at::cat({cls, x}, 1) + positional_embedding_;                                       // [N, 1+v, W]
  x = ln_pre_(x);
  for (const auto& b : blocks_) x = block(b, x);
  if (config_.use_ln_post) x = ln_post_(x);
  return x.narrow(1, 1, x.size(1) - 1);                                                    // [N, v, W]
}

}  // namespace flamingo
