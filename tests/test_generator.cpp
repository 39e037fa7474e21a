// The generation loop with a scripted stand-in model: stop conditions, streaming
// and cancellation, independent of any real weights.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/generator.h"
#include "core/tokenizer.h"

using namespace flamingo;

namespace {

// Token i decodes to kPieces[i]; ids 10..13 are the four bytes of U+1F9A9 (🦩).
const char* const kPieces[] = {"<s>", "a", "b", "c", " stop", "x", "", "", "", "", "\xF0", "\x9F", "\xA6", "\xA9"};
constexpr int kVocab = 14;

class FakeTokenizer : public Tokenizer {
 public:
  std::vector<int> encode(const std::string&, bool) const override { return {0}; }
  int vocab_size() const override { return kVocab; }
  int bos_id() const override { return 0; }
  int eos_id() const override { return 5; }
  int token_id(const std::string&) const override { return -1; }
  std::string piece(int id) const override { return kPieces[id]; }
  std::string token_bytes(int, int id) const override { return id == 0 ? "" : kPieces[id]; }
};

// A model that always predicts the next token of a script.
struct ScriptedModel {
  std::vector<int> script;
  size_t fed = 0;
  std::vector<float> feed(const std::vector<int>& tokens) {
    fed += tokens.size();
    std::vector<float> logits(kVocab, 0.0f);
    logits[script[std::min(fed - 1, script.size() - 1)]] = 10.0f;
    return logits;
  }
};

struct Run {
  GenerationResult result;
  std::vector<std::string> pieces;
};

Run run(ScriptedModel& model, GenerateOptions options, int context = 100,
        const std::atomic<bool>* cancel = nullptr) {
  static FakeTokenizer tokenizer;
  std::vector<int> history;
  GenerationContext ctx{[&](const std::vector<int>& t) { return model.feed(t); }, &tokenizer, context,
                        &history};
  options.sampling.temperature = 0;
  Run r;
  r.result = generate({0}, ctx, options, [&](const std::string& p) { r.pieces.push_back(p); }, cancel);
  return r;
}

GenerateOptions max_tokens(int n) {
  GenerateOptions o;
  o.max_new_tokens = n;
  return o;
}

std::string concat(const std::vector<std::string>& pieces) {
  std::string s;
  for (const auto& p : pieces) s += p;
  return s;
}

// A model whose best token is never to be generated (the media marker) gets its
// second best instead; without the ban it would get the marker.
TEST(Generator, NeverSamplesTheTokensItIsToldNotTo) {
  auto tokens = [](std::vector<int> never) {
    std::vector<int> history;
    GenerationContext ctx{[](const std::vector<int>&) {
                            std::vector<float> logits(kVocab, 0.0f);
                            logits[3] = 10.0f, logits[2] = 5.0f;
                            return logits;
                          },
                          nullptr, 100, &history, std::move(never)};
    static FakeTokenizer tokenizer;
    ctx.tokenizer = &tokenizer;
    GenerateOptions o = max_tokens(3);
    o.sampling.temperature = 0;
    return generate({0}, ctx, o, nullptr, nullptr).tokens;
  };
  EXPECT_EQ(tokens({}), (std::vector<int>{3, 3, 3}));
  EXPECT_EQ(tokens({3}), (std::vector<int>{2, 2, 2}));
}

TEST(Generator, StreamsWholeUtf8CharactersOnly) {
  ScriptedModel m{{1, 10, 11, 12, 13, 2}};
  auto r = run(m, max_tokens(6));
  EXPECT_EQ(r.result.text, "a\xF0\x9F\xA6\xA9" "b");
  EXPECT_EQ(r.pieces, (std::vector<std::string>{"a", "\xF0\x9F\xA6\xA9", "b"}));
  EXPECT_EQ(r.result.stats.stop_reason, StopReason::kMaxTokens);
}

TEST(Generator, StopTokenEndsWithoutShowingIt) {
  ScriptedModel m{{1, 2, 5, 3}};
  GenerateOptions o;
  o.stop_tokens = {5};
  auto r = run(m, o);
  EXPECT_EQ(r.result.text, "ab");
  EXPECT_EQ(r.result.tokens, (std::vector<int>{1, 2, 5}));
  EXPECT_EQ(r.result.stats.stop_reason, StopReason::kStopToken);
}

TEST(Generator, StopStringSplitAcrossTokensIsNeverShown) {
  ScriptedModel m{{1, 4, 2, 3}};  // "a stop..." with stop string "a s" spanning two tokens
  GenerateOptions o;
  o.stop_strings = {"a s"};
  auto r = run(m, o);
  EXPECT_EQ(r.result.text, "");
  EXPECT_EQ(concat(r.pieces), "");
  EXPECT_EQ(r.result.stats.stop_reason, StopReason::kStopString);
}

TEST(Generator, HeldBackTextIsReleasedWhenNoStopFollows) {
  ScriptedModel m{{1, 2, 3}};
  GenerateOptions o;
  o.stop_strings = {"cz", "bz"};
  o.max_new_tokens = 3;
  auto r = run(m, o);
  EXPECT_EQ(r.result.text, "abc");
  EXPECT_EQ(concat(r.pieces), "abc");
}

TEST(Generator, ContextFullStops) {
  ScriptedModel m{{1, 1, 1, 1, 1, 1}};
  auto r = run(m, max_tokens(50), 3);
  EXPECT_EQ(r.result.stats.stop_reason, StopReason::kContextFull);
  EXPECT_EQ(r.result.stats.new_tokens, 3);
}

TEST(Generator, PromptLongerThanContextIsAnError) {
  ScriptedModel m{{1}};
  EXPECT_THROW(run(m, {}, 0), ArgumentError);
}

TEST(Generator, CancelBeforeStartFeedsNothing) {
  ScriptedModel m{{1}};
  std::atomic<bool> cancel{true};
  auto r = run(m, {}, 100, &cancel);
  EXPECT_EQ(m.fed, 0u);
  EXPECT_EQ(r.result.stats.stop_reason, StopReason::kCancelled);
}

}  // namespace
