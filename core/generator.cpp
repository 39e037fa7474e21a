#include "core/generator.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/error.h"
#include "core/tokenizer.h"

namespace flamingo {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Holds back text that could still become a stop string, so that a stop string
// split across tokens is never shown.
class StopStringFilter {
 public:
  explicit StopStringFilter(const std::vector<std::string>& stops) : stops_(stops) {}

  // Returns the text now safe to show; sets `stopped` when a stop string appeared.
  std::string push(const std::string& piece, bool& stopped) {
    held_ += piece;
    size_t cut = std::string::npos;
    for (const auto& s : stops_) cut = std::min(cut, held_.find(s));
    if (cut != std::string::npos) {
      stopped = true;
      std::string out = held_.substr(0, cut);
      held_.clear();
      return out;
    }
    const size_t keep = longest_partial_stop();
    std::string out = held_.substr(0, held_.size() - keep);
    held_.erase(0, held_.size() - keep);
    return out;
  }
  std::string flush() { return std::exchange(held_, {}); }

 private:
  // Length of the longest suffix of held_ that is a proper prefix of a stop string.
  size_t longest_partial_stop() const {
    size_t best = 0;
    for (const auto& s : stops_) {
      for (size_t n = std::min(s.size() - 1, held_.size()); n > best; --n) {
        if (held_.compare(held_.size() - n, n, s, 0, n) == 0) {
          best = n;
          break;
        }
      }
    }
    return best;
  }

  const std::vector<std::string>& stops_;
  std::string held_;
};

}  // namespace

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kMaxTokens: return "max-tokens";
    case StopReason::kStopToken: return "stop-token";
    case StopReason::kStopString: return "stop-string";
    case StopReason::kCancelled: return "cancelled";
    case StopReason::kContextFull: return "context-full";
  }
  return "unknown";
}

GenerationResult generate(const std::vector<int>& prompt, const GenerationContext& ctx,
                          const GenerateOptions& options, const TokenCallback& on_piece,
                          const std::atomic<bool>* cancel) {
  if (prompt.empty()) throw ArgumentError("generation needs at least one prompt token");
  for (const auto& s : options.stop_strings)
    if (s.empty()) throw ArgumentError("a stop string must not be empty");
  GenerationResult result;
  auto& stats = result.stats;
  auto& history = *ctx.history;
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
  auto emit = [&](const std::string& text) {
    if (text.empty()) return;
    result.text += text;
    if (on_piece) on_piece(text);
  };
  if (cancelled()) {
    stats.stop_reason = StopReason::kCancelled;
    return result;
  }
  if (static_cast<int>(prompt.size()) > ctx.context_left)
    throw ArgumentError("the prompt needs " + std::to_string(prompt.size()) +
                        " tokens but only " + std::to_string(ctx.context_left) +
                        " fit in the model's context");

  const auto start = Clock::now();
  Sampler sampler(options.sampling);
  StreamDecoder decoder(*ctx.tokenizer, prompt.back());
  StopStringFilter filter(options.stop_strings);
  int context_left = ctx.context_left;

  std::vector<float> logits = ctx.feed(prompt);
  history.insert(history.end(), prompt.begin(), prompt.end());
  context_left -= static_cast<int>(prompt.size());
  stats.prompt_tokens = static_cast<int>(prompt.size());
  stats.prefill_ms = ms_since(start);
  Clock::time_point first_token_time;

  while (true) {
    for (int t : ctx.never_generate)
      if (t >= 0 && t < static_cast<int>(logits.size())) logits[t] = -std::numeric_limits<float>::infinity();
    const int token = sampler.sample(logits, history);
    result.tokens.push_back(token);
    if (++stats.new_tokens == 1) {
      first_token_time = Clock::now();
      stats.time_to_first_token_ms = ms_since(start);
    }
    if (std::count(options.stop_tokens.begin(), options.stop_tokens.end(), token)) {
      stats.stop_reason = StopReason::kStopToken;
      break;
    }
    bool stopped = false;
    emit(filter.push(decoder.push(token), stopped));
    if (stopped) {
      stats.stop_reason = StopReason::kStopString;
      break;
    }
    if (stats.new_tokens >= options.max_new_tokens) {
      stats.stop_reason = StopReason::kMaxTokens;
      break;
    }
    if (context_left < 1) {
      stats.stop_reason = StopReason::kContextFull;
      break;
    }
    if (cancelled()) {
      stats.stop_reason = StopReason::kCancelled;
      break;
    }
    logits = ctx.feed({token});
    history.push_back(token);
    --context_left;
  }
  if (stats.stop_reason != StopReason::kStopString) {
    bool stopped = false;
    emit(filter.push(decoder.flush(), stopped));
    if (!stopped) emit(filter.flush());
    else stats.stop_reason = StopReason::kStopString;
  }
  if (stats.new_tokens > 0) stats.decode_ms = ms_since(first_token_time);
  return result;
}

}  // namespace flamingo
