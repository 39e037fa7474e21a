#pragma once
// Internal to core/: Flamingo's Perceiver Resampler (Alayrac et al., 2022,
// section 2.1 and appendix A.1.1). A fixed set of learned latents reads the
// visual features of one image or video through cross-attention, so every media
// item becomes the same number of visual tokens whatever its frame count.
//
// Shapes: F frames, v patches per frame, d visual width, n latents,
// h heads, e = dim_head, I = h * e.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model_config.h"
#include "core/nn_layers.h"

namespace flamingo {

struct PerceiverAttention {
  LayerNorm norm_media, norm_latents;
  Linear to_q;    // [I, d]
  Linear to_kv;   // [2I, d]
  Linear to_out;  // [d, I]
};

class PerceiverResampler {
 public:
  // Keys: perceiver.latents, perceiver.frame_embs (when max_frames > 0),
  // perceiver.patch_embs (when patch_positions > 0),
  // perceiver.layers.{i}.0.{norm_media, norm_latents, to_q, to_kv, to_out},
  // perceiver.layers.{i}.1.{0, 1, 3}, perceiver.norm: OpenFlamingo's layout.
  PerceiverResampler(const PerceiverConfig& config, int dim, LoadContext& ctx);

  at::Tensor forward(const at::Tensor& frames) const;  // [F, v, d] -> [n, d] ([n+F*v, d] with pass_patches)
  int max_frames() const { return config_.max_frames; }

 private:
  at::Tensor attention(const PerceiverAttention& a, const at::Tensor& media,
                       const at::Tensor& latents) const;  // [F*v, d], [n, d] -> [n, d]

  PerceiverConfig config_;
  int dim_;
  at::Tensor latents_;     // [n, d]
  at::Tensor frame_embs_;  // [max_frames, d] or undefined
  at::Tensor patch_embs_;  // [v, d] or undefined
  std::vector<std::pair<PerceiverAttention, FeedForward>> layers_;
  LayerNorm norm_;
};

}  // namespace flamingo
