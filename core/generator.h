#pragma once
// The generation loop: feed the prompt, then sample, stream and feed one token at
// a time until a stop condition. It sees the model only as a function that
// appends tokens to the context and returns the next-token logits, so it needs no
// LibTorch and can be tested with any stand-in model.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/sampler.h"

namespace flamingo {

class Tokenizer;

struct GenerateOptions {
  SamplingParams sampling;
  int max_new_tokens = 256;
  std::vector<int> stop_tokens;           // ends generation; not shown
  std::vector<std::string> stop_strings;  // ends generation; the text is cut before it
};

enum class StopReason { kMaxTokens, kStopToken, kStopString, kCancelled, kContextFull };
const char* stop_reason_name(StopReason reason);

struct GenerationStats {
  int prompt_tokens = 0;  // fed in the prefill of this call
  int new_tokens = 0;     // sampled
  double prefill_ms = 0;
  double time_to_first_token_ms = 0;
  double decode_ms = 0;  // after the first token
  double decode_tokens_per_s() const {
    return decode_ms > 0 ? (new_tokens - 1) * 1000.0 / decode_ms : 0.0;
  }
  double prefill_tokens_per_s() const {
    return prefill_ms > 0 ? prompt_tokens * 1000.0 / prefill_ms : 0.0;
  }
  StopReason stop_reason = StopReason::kMaxTokens;
};

struct GenerationResult {
  std::string text;         // exactly the concatenation of the streamed pieces
  std::vector<int> tokens;  // sampled, stop token included
  GenerationStats stats;
};

// Appends `tokens` to the model's context; returns the logits after the last one.
using FeedFunction = std::function<std::vector<float>(const std::vector<int>& tokens)>;
// Receives each new piece of text, always whole UTF-8 characters.
using TokenCallback = std::function<void(const std::string& piece)>;

struct GenerationContext {
  FeedFunction feed;
  const Tokenizer* tokenizer = nullptr;
  int context_left = 0;           // tokens the model can still take
  std::vector<int>* history = nullptr;  // all tokens of the conversation so far; grows
  // Tokens never sampled: the media marker stands for a picture that only the prompt
  // can give, so a generated one would have nothing to stand for.
  std::vector<int> never_generate;
};

// Feeds `prompt` (at least one token), then generates. The last sampled token is
// not fed: it is returned so the caller can feed it with the next turn.
// `cancel`, when set, is checked before every model step.
GenerationResult generate(const std::vector<int>& prompt, const GenerationContext& context,
                          const GenerateOptions& options, const TokenCallback& on_piece,
                          const std::atomic<bool>* cancel);

}  // namespace flamingo
