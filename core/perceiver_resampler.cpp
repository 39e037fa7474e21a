#include "core/perceiver_resampler.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "core/weights.h"

namespace flamingo {

PerceiverResampler::PerceiverResampler(const PerceiverConfig& c, int dim, LoadContext& ctx)
    : config_(c), dim_(dim) {
  const int64_t d = dim, I = int64_t(c.heads) * c.dim_head;
  latents_ = ctx.weights.get("perceiver.latents", {c.num_latents, d}, ctx.dtype, ctx.device);
  if (c.max_frames > 0)
    frame_embs_ = ctx.weights.get("perceiver.frame_embs", {c.max_frames, d}, ctx.dtype, ctx.device);
  if (c.patch_positions > 0)
    patch_embs_ = ctx.weights.get("perceiver.patch_embs", {c.patch_positions, d}, ctx.dtype, ctx.device);
  for (int i = 0; i < c.depth; ++i) {
    const std::string p = "perceiver.layers." + std::to_string(i) + ".";
    PerceiverAttention a;
    a.norm_media = LayerNorm::load(ctx, p + "0.norm_media", d, 1e-5);
    a.norm_latents = LayerNorm::load(ctx, p + "0.norm_latents", d, 1e-5);
    a.to_q = Linear::load(ctx, p + "0.to_q", d, I, false);
    a.to_kv = Linear::load(ctx, p + "0.to_kv", d, 2 * I, false);
    a.to_out = Linear::load(ctx, p + "0.to_out", I, d, false);
    layers_.emplace_back(std::move(a), FeedForward::load(ctx, p + "1", d, c.ff_mult));
  }
  norm_ = LayerNorm::load(ctx, "perceiver.norm", d, 1e-5);
}

at::Tensor PerceiverResampler::attention(const PerceiverAttention& a, const at::Tensor& media,
                                         const at::Tensor& latents) const {
  const int64_t h = config_.heads, e = config_.dim_head, n = latents.size(0);
  auto x = a.norm_media(media);                                    // [F*v, d]
  auto l = a.norm_latents(latents);                                // [n, d]
  auto q = a.to_q(l).view({n, h, e}).transpose(0, 1);              // [h, n, e]
  // Latents read the media and themselves (Flamingo, appendix A.1.1).
  auto kv = a.to_kv(at::cat({x, l}, 0)).chunk(2, -1);              // 2 x [F*v+n, I]
  auto k = kv[0].reshape({-1, h, e}).transpose(0, 1);              // [h, F*v+n, e]
  auto v = kv[1].reshape({-1, h, e}).transpose(0, 1);
  auto out = attend(q, k, v, 1.0 / std::sqrt(double(e)));         // [h, n, e]
  return a.to_out(out.transpose(0, 1).reshape({n, h * e}));        // [n, d]
}

at::Tensor PerceiverResampler::forward(const at::Tensor& frames) const {
  const int64_t F = frames.size(0);
  auto x = frames;                                                 // [F, v, d]
  if (frame_embs_.defined()) {
    if (F > config_.max_frames)
      throw ArgumentError("a video of " + std::to_string(F) + " frames is longer than the " +
                          std::to_string(config_.max_frames) + " frames this model knows");
    x = x + frame_embs_.narrow(0, 0, F).unsqueeze(1);              // time embedding per frame
  }
  if (patch_embs_.defined()) {
    if (x.size(1) != patch_embs_.size(0))
      throw ArgumentError("a frame of " + std::to_string(x.size(1)) + " patches, but the resampler knows " +
                          std::to_string(patch_embs_.size(0)) + " patch positions");
    x = x + patch_embs_.unsqueeze(0);                              // place embedding per patch
  }
  x = x.reshape({-1, dim_});                                       // [F*v, d]
  auto latents = latents_;                                         // [n, d]
  for (const auto& [attn, ff] : layers_) {
    latents = attention(attn, x, latents) + latents;
    latents = ff(latents) + latents;
  }
  if (config_.pass_patches) return norm_(at::cat({latents, x}, 0));  // [n+F*v, d]
  return norm_(latents);                                           // [n, d]
}

}  // namespace flamingo
