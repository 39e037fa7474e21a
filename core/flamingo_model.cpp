#include "core/flamingo_model.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "core/weights.h"

namespace flamingo {

FlamingoModel::FlamingoModel(const ModelConfig& c, WeightStore& w, at::ScalarType dtype,
                             at::Device device, const FlamingoOptions& options)
    : config_(c), decoder_(make_language_decoder(c.language_model, w, dtype, device)) {
  blocks_.resize(c.language_model.n_layers);
  if (!c.has_vision) return;
  LoadContext ctx{w, dtype, device};
  vision_ = std::make_unique<VisionEncoder>(c.vision_encoder, ctx, "vision_encoder.");
  perceiver_ = std::make_unique<PerceiverResampler>(c.perceiver, c.vision_encoder.width, ctx);
  for (int i = 0; i < c.language_model.n_layers; ++i) {
    if (!c.cross_attention.before_layer(i)) continue;
    const std::string prefix = "model.layers." + std::to_string(i) + ".gated_cross_attn_layer.";
    GatedCrossAttentionBlock block(c.cross_attention, c.language_model.dim, c.vision_encoder.width,
                                   ctx, prefix, options.zero_gates);
    if (!options.language_model_only) blocks_[i].emplace(std::move(block));
  }
}

FlamingoState FlamingoModel::new_state() const {
  FlamingoState s;
  s.text = decoder_->new_cache();
  s.media_kv.resize(blocks_.size());
  return s;
}

at::Tensor FlamingoModel::encode_media(const at::Tensor& frames) const {
  if (!vision_) throw ArgumentError("this model has no vision encoder: it reads text only");
  at::Tensor features;
  {
    at::NoGradGuard frozen;  // the vision encoder is never trained with the rest
    features = vision_->forward(frames.to(decoder_->device()));     // [F, v, d]
  }
  return perceiver_->forward(features);                            // [n, d]
}

void FlamingoModel::add_visual(const at::Tensor& visual, FlamingoState& state) const {
  state.visual.push_back(visual);
  for (size_t i = 0; i < blocks_.size(); ++i)
    if (blocks_[i]) state.media_kv[i].push_back(blocks_[i]->keys_values(visual));
}

int FlamingoModel::add_media(const at::Tensor& frames, FlamingoState& state) const {
  add_visual(encode_media(frames), state);                         // [n, d]
  return static_cast<int>(state.visual.size()) - 1;
}

void FlamingoModel::add_media_batch(const std::vector<at::Tensor>& items, FlamingoState& state) const {
  if (items.empty()) return;
  if (!vision_) throw ArgumentError("this model has no vision encoder: it reads text only");
  at::Tensor features;
  {
    at::NoGradGuard frozen;
    features = vision_->forward(at::cat(items, 0).to(decoder_->device()));  // [sum F, v, d]
  }
  int64_t offset = 0;
  for (const auto& item : items) {
    add_visual(perceiver_->forward(features.narrow(0, offset, item.size(0))), state);
    offset += item.size(0);
  }
}

std::vector<int> FlamingoModel::media_of_tokens(const at::Tensor& tokens, FlamingoState& state) const {
  const int image = config_.special_tokens.image;
  auto ids = tokens.to(at::kCPU).contiguous();
  const int64_t* p = ids.data_ptr<int64_t>();
  std::vector<int> media(ids.numel());
  int seen = state.images_fed;
  for (size_t t = 0; t < media.size(); ++t) {
    if (image >= 0 && p[t] == image) {
      if (seen >= static_cast<int>(state.visual.size()))
        throw ArgumentError("an <image> token has no image or video to stand for");
      ++seen;
    }
    media[t] = seen - 1;  // an <image> token attends to its own media item
  }
  state.images_fed = seen;
  return media;
}

at::Tensor FlamingoModel::forward(const at::Tensor& tokens, FlamingoState& state, bool all_logits) const {
  const int64_t T = tokens.size(0);
  const auto& lm = config_.language_model;
  if (state.text.length + T > lm.max_seq_len)
    throw Error("the conversation needs " + std::to_string(state.text.length + T) +
                " tokens, more than the model's context of " + std::to_string(lm.max_seq_len));
  const int images_before = state.images_fed;
  std::vector<int> media;
  try {
    media = media_of_tokens(tokens, state);
  } catch (...) {
    state.images_fed = images_before;
    throw;
  }
  auto x = decoder_->embed(tokens);                                   // [T, D]
  for (int i = 0; i < lm.n_layers; ++i) {
    if (blocks_[i]) x = blocks_[i]->forward(x, media, state.media_kv[i]);
    x = decoder_->layer(i, x, state.text);
  }
  state.text.length += static_cast<int>(T);
  return decoder_->head(all_logits ? x : x.narrow(0, T - 1, 1));      // [T or 1, V]
}

}  // namespace flamingo
