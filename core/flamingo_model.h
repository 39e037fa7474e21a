#pragma once
// Internal to core/: the whole Flamingo (Alayrac et al., 2022, figure 3): the
// frozen vision encoder and Perceiver Resampler turn each image or video into
// visual tokens; GATED XATTN-DENSE blocks, placed before decoder layers, let the
// frozen language model read them. Without a vision config it is the bare
// language model.
//
// Shapes: T text tokens, D text width, F frames, S image side, n visual tokens
// per media item, d visual width, V vocabulary.
#include <ATen/core/Tensor.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/gated_cross_attention.h"
#include "core/language_decoder.h"
#include "core/llama_decoder.h"  // the training stages build a LlamaDecoder of their own
#include "core/model_config.h"
#include "core/perceiver_resampler.h"
#include "core/vision_encoder.h"

namespace flamingo {

// What a conversation has computed so far: the text's key/value cache and, per
// media item, its visual tokens and each block's keys and values. Nothing in it
// is ever recomputed for a later token or turn.
struct FlamingoState {
  KVCache text;
  std::vector<at::Tensor> visual;                     // per media item [n, d]
  std::vector<std::vector<MediaKeysValues>> media_kv;  // per block, per media item
  int images_fed = 0;                                  // <image> tokens fed so far
};

struct FlamingoOptions {
  bool zero_gates = false;           // every gate forced to 0: the bare language model
  bool language_model_only = false;  // skip the gated blocks entirely
};

class FlamingoModel {
 public:
  FlamingoModel(const ModelConfig& config, WeightStore& weights, at::ScalarType dtype,
                at::Device device, const FlamingoOptions& options = {});

  const LanguageDecoder& decoder() const { return *decoder_; }
  const ModelConfig& config() const { return config_; }
  bool has_vision() const { return vision_ != nullptr; }

  FlamingoState new_state() const;

  // Encodes one image ([1, 3, S, S]) or video ([F, 3, S, S]) into the state, ready
  // for the <image> token that will stand for it. Returns its index.
  int add_media(const at::Tensor& frames, FlamingoState& state) const;
  at::Tensor encode_media(const at::Tensor& frames) const;  // [F, 3, S, S] -> [n, d]
  // Several media items at once: one vision-encoder pass over all their frames
  // (the training path). Each item is [F_k, 3, S, S].
  void add_media_batch(const std::vector<at::Tensor>& items, FlamingoState& state) const;

  // Feeds a chunk; returns float32 logits [T, V] or, unless all_logits, [1, V].
  at::Tensor forward(const at::Tensor& tokens, FlamingoState& state, bool all_logits) const;

 private:
  void add_visual(const at::Tensor& visual, FlamingoState& state) const;  // [n, d]
  std::vector<int> media_of_tokens(const at::Tensor& tokens, FlamingoState& state) const;

  ModelConfig config_;
  std::unique_ptr<LanguageDecoder> decoder_;  // of config.language_model.type
  std::unique_ptr<VisionEncoder> vision_;
  std::unique_ptr<PerceiverResampler> perceiver_;
  std::vector<std::optional<GatedCrossAttentionBlock>> blocks_;  // per decoder layer
};

}  // namespace flamingo
