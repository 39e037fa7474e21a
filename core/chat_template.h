#pragma once
// How a chat turn is written into a model's prompt. A model whose config.json has
// a "chat" prompt template (the converted OpenFlamingo models) reads each user
// message through it, e.g. "<image>Question: {question} Short answer:", and each
// reply closed by <|endofchunk|>, the chunk boundary it was trained on. Without
// one, messages are sent exactly as typed. No LibTorch here.
#include <string>

#include "core/model_config.h"

namespace flamingo {

struct ChatTemplate {
  std::string user;       // empty: as typed; otherwise holds {question}
  std::string reply_end;  // appended after each reply ("" without a template)

  static ChatTemplate of(const ModelConfig& config);
  // The message's leading <image> markers take the place of the template's
  // <image> (or go in front when it has none); the rest of the message, trimmed,
  // replaces {question}. Markers later in the message stay where they are.
  std::string user_turn(const std::string& message) const;
};

}  // namespace flamingo
