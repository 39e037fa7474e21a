#pragma once
// Internal to core/: the frozen vision encoder, a ViT with the structure and
// parameter names of CLIP's visual transformer as open_clip names them, so real
// CLIP weights load by name. Returns the patch tokens (class token dropped).
//
// Shapes: N images, S image side, P patch side, g = S / P, v = g*g patches,
// W width, H heads, E = W / H, M MLP width.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model_config.h"
#include "core/nn_layers.h"

namespace flamingo {

struct ResidualAttentionBlock {
  LayerNorm ln_1, ln_2;
  Linear in_proj;   // [3W, W] with bias: q, k, v stacked as torch.nn.MultiheadAttention does
  Linear out_proj;  // [W, W]
  Linear c_fc;      // [M, W]
  Linear c_proj;    // [W, M]
};

class VisionEncoder {
 public:
  // Keys under `prefix` (e.g. "vision_encoder."): conv1.weight, class_embedding,
  // positional_embedding, ln_pre, transformer.resblocks.{i}.{ln_1, attn.in_proj_weight,
  // attn.in_proj_bias, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}, ln_post.
  VisionEncoder(const VisionEncoderConfig& config, LoadContext& ctx, const std::string& prefix);

  at::Tensor forward(const at::Tensor& pixels) const;  // [N, 3, S, S] -> [N, v, W]
  const VisionEncoderConfig& config() const { return config_; }

 private:
  at::Tensor block(const ResidualAttentionBlock& b, const at::Tensor& x) const;  // [N, 1+v, W]
  at::Tensor activation(const at::Tensor& x) const;

  VisionEncoderConfig config_;
  at::Tensor conv1_;                 // [W, 3, P, P], no bias
  at::Tensor class_embedding_;       // [W]
  at::Tensor positional_embedding_;  // [1+v, W]
  LayerNorm ln_pre_, ln_post_;
  std::vector<ResidualAttentionBlock> blocks_;
};

}  // namespace flamingo
