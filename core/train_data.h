#pragma once
// Internal to core/: turns documents of the visual world into training
// sequences: token ids, the positions whose next token counts in the loss, and
// the media in the order of their <image> tokens.
#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

#include "core/model_config.h"
#include "core/visual_world.h"

namespace flamingo {

class Tokenizer;

struct TrainingSequence {
  std::vector<int> tokens;
  std::vector<float> target_mask;  // per token: its weight in the loss (0: not a target)
  std::vector<at::Tensor> media;   // each [F, 3, S, S]
};

// Documents packed after one another, each opened by BOS, up to `max_tokens`.
// Answer spans (and the <|endofchunk|> closing them) are targets of weight 1;
// every other token is one of weight `context_weight` (0: answers only).
// Without `keep_media` the images are not even drawn into tensors (the
// language model's stage).
// `next` draws each document (default: the generator's training mix).
TrainingSequence pack_documents(world::Generator& generator, const Tokenizer& tokenizer,
                                const ModelConfig& config, int max_tokens, float context_weight,
                                bool keep_media,
                                const std::function<world::Document(world::Generator&)>& next = {});

at::Tensor media_frames(const world::Media& media, const Preprocessing& p);  // [F, 3, S, S]

}  // namespace flamingo
