#pragma once
// Internal to core/: Flamingo's GATED XATTN-DENSE block (Alayrac et al., 2022,
// section 2.2): masked cross-attention from text to visual tokens, then a
// feed-forward, each scaled by tanh of its own gate. Gates start at 0, so an
// untrained block passes the frozen language model through unchanged.
//
// Shapes: T text tokens, D text width, n visual tokens per media item, d visual
// width, h heads, e = dim_head, I = h * e.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model_config.h"
#include "core/nn_layers.h"

namespace flamingo {

// Keys and values of one media item for one block, computed once and reused by
// every later token and turn.
struct MediaKeysValues {
  at::Tensor k, v;  // [h, n, e]
};

class GatedCrossAttentionBlock {
 public:
  // Keys under `prefix` (model.layers.{i}.gated_cross_attn_layer.): attn_gate,
  // ff_gate, attn.{norm, to_q, to_kv, to_out}, ff.{0, 1, 3}.
  GatedCrossAttentionBlock(const CrossAttentionConfig& config, int dim, int visual_dim,
                           LoadContext& ctx, const std::string& prefix, bool zero_gates);

  MediaKeysValues keys_values(const at::Tensor& visual) const;  // [n, d] -> 2 x [h, n, e]

  // media_of_token[t]: the media item token t attends to (the latest whose
  // <image> token is at or before t), or -1 for none: its attention output is
  // zero, while the gated feed-forward still applies.
  at::Tensor forward(const at::Tensor& x, const std::vector<int>& media_of_token,
                     const std::vector<MediaKeysValues>& media) const;  // [T, D] -> [T, D]

 private:
  CrossAttentionConfig config_;
  LayerNorm norm_;
  Linear to_q_, to_kv_, to_out_;
  FeedForward ff_;
  at::Tensor attn_gate_, ff_gate_;  // [1] float32, before tanh
};

}  // namespace flamingo
