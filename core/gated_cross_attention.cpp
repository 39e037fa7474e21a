#include "core/gated_cross_attention.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/weights.h"

namespace flamingo {

GatedCrossAttentionBlock::GatedCrossAttentionBlock(const CrossAttentionConfig& c, int dim,
                                                   int visual_dim, LoadContext& ctx,
                                                   const std::string& p, bool zero_gates)
    : config_(c) {
  const int64_t D = dim, d = visual_dim, I = int64_t(c.heads) * c.dim_head;
  norm_ = LayerNorm::load(ctx, p + "attn.norm", D, 1e-5);
  to_q_ = Linear::load(ctx, p + "attn.to_q", D, I, false);
  to_kv_ = Linear::load(ctx, p + "attn.to_kv", d, 2 * I, false);
  to_out_ = Linear::load(ctx, p + "attn.to_out", I, D, false);
  ff_ = FeedForward::load(ctx, p + "ff", D, c.ff_mult);
  auto gate = [&](const std::string& name) {
    auto g = ctx.weights.get(p + name, {1}, at::kFloat, ctx.device);
    return zero_gates ? at::zeros_like(g) : g;
  };
  attn_gate_ = gate("attn_gate");
  ff_gate_ = gate("ff_gate");
}

MediaKeysValues GatedCrossAttentionBlock::keys_values(const at::Tensor& visual) const {
  const int64_t n = visual.size(0), h = config_.heads, e = config_.dim_head;
  auto kv = to_kv_(visual).chunk(2, -1);                           // 2 x [n, I]
  return {kv[0].view({n, h, e}).transpose(0, 1).contiguous(),      // [h, n, e]
          kv[1].view({n, h, e}).transpose(0, 1).contiguous()};
}

at::Tensor GatedCrossAttentionBlock::forward(const at::Tensor& x,
                                             const std::vector<int>& media_of_token,
                                             const std::vector<MediaKeysValues>& media) const {
  const int64_t T = x.size(0), h = config_.heads, e = config_.dim_head;
  auto q = to_q_(norm_(x)).view({T, h, e}).transpose(0, 1);        // [h, T, e]
  auto attended = at::zeros({h, T, e}, q.options());               // rows without media stay 0
  // Tokens come in runs that share one media item: each run attends to it alone,
  // which is OpenFlamingo's mask (only_attend_immediate_media) without the masked work.
  for (int64_t a = 0; a < T;) {
    int64_t b = a + 1;
    while (b < T && media_of_token[b] == media_of_token[a]) ++b;
    if (media_of_token[a] >= 0) {
      const auto& m = media[media_of_token[a]];
      attended.narrow(1, a, b - a)
          .copy_(attend(q.narrow(1, a, b - a), m.k, m.v, 1.0 / std::sqrt(double(e))));
    }
    a = b;
  }
  auto y = to_out_(attended.transpose(0, 1).reshape({T, h * e}));  // [T, D]
  // tanh at every call rather than once at load, so training can move the gates.
  auto hidden = x + y * at::tanh(attn_gate_).to(x.scalar_type());
  return hidden + ff_(hidden) * at::tanh(ff_gate_).to(x.scalar_type());  // [T, D]
}

}  // namespace flamingo
