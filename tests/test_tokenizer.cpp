// Tokenizer tests against the real tok512 model of llama2.c's stories260K.
// flamingo_core links LibTorch, so this process also proves that the
// SentencePiece module's protobuf stays out of LibTorch's way.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/tokenizer.h"

namespace flamingo {
namespace {

const std::string kModelDir = FLAMINGO_SHARED_DIR "/models/stories260K";
const std::string kModel = kModelDir + "/tok512.model";
const std::string kFffd = "\xEF\xBF\xBD";
const std::string kFlamingo = "\xF0\x9F\xA6\xA9";  // U+1F9A9, four bytes
// "Ünïcödé 你好 🦩"
const std::string kMultibyte =
    "\xC3\x9Cn\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD " + kFlamingo;
constexpr int kImage = 512;
constexpr int kEndOfChunk = 513;

// Byte pieces of tok512: <0xNN> has id 3 + NN.
int byte_id(unsigned char byte) { return 3 + byte; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string write_tmp(const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(FLAMINGO_TEST_TMP);
  std::string path = std::string(FLAMINGO_TEST_TMP) + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

class TokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_ = Tokenizer::load_sentencepiece(kModel).release();
    flamingo_ = Tokenizer::load_sentencepiece(
                    kModel, {{"<image>", kImage}, {"<|endofchunk|>", kEndOfChunk}})
                    .release();
  }
  // A failed load in SetUpTestSuite is reported by GoogleTest; skip the bodies then.
  void SetUp() override {
    ASSERT_NE(base_, nullptr);
    ASSERT_NE(flamingo_, nullptr);
  }
  static void TearDownTestSuite() {
    delete base_;
    delete flamingo_;
  }

  static Tokenizer* base_;
  static Tokenizer* flamingo_;
};

Tokenizer* TokenizerTest::base_ = nullptr;
Tokenizer* TokenizerTest::flamingo_ = nullptr;

TEST_F(TokenizerTest, ReadsTheVocabulary) {
  EXPECT_EQ(base_->vocab_size(), 512);
  EXPECT_EQ(base_->bos_id(), 1);
  EXPECT_EQ(base_->eos_id(), 2);
  EXPECT_EQ(base_->piece(403), "\xE2\x96\x81Once");
  EXPECT_EQ(base_->piece(byte_id(0x0A)), "<0x0A>");
  EXPECT_EQ(base_->token_id("\xE2\x96\x81Once"), 403);
  EXPECT_EQ(base_->token_id("<s>"), 1);
  EXPECT_EQ(base_->token_id("no such piece"), -1);
  EXPECT_THROW(base_->piece(512), ArgumentError);
}

// Expected ids computed once with Debian's Python bindings (python3-sentencepiece
// 0.1.97, the same library version): /usr/bin/python3 -c "import sentencepiece as s;
// print(s.SentencePieceProcessor(model_file='tok512.model').encode(TEXT))".
TEST_F(TokenizerTest, EncodeMatchesReferenceIds) {
  EXPECT_EQ(base_->encode("Once upon a time", false), (std::vector<int>{403, 407, 261, 378}));
  EXPECT_EQ(base_->encode("Hello world", false),
            (std::vector<int>{346, 306, 414, 263, 304, 341}));
  EXPECT_EQ(base_->encode("The cat sat on the mat.", false),
            (std::vector<int>{291, 280, 294, 262, 294, 353, 265, 284, 294, 426}));
  EXPECT_EQ(base_->encode("Lily's mom said, \"Hi!\"\nThe end.", false),
            (std::vector<int>{317, 439, 419, 357, 336, 432, 313, 440, 417, 443, 436, 13, 434,
                              260, 344, 264, 426}));
  EXPECT_EQ(base_->encode(kMultibyte, false),
            (std::vector<int>{410, 198, 159, 416, 198, 178, 429, 198, 185, 418, 485, 410, 231,
                              192, 163, 232, 168, 192, 410, 243, 162, 169, 172}));
  EXPECT_EQ(base_->encode("", false), std::vector<int>{});
}

TEST_F(TokenizerTest, EncodePrependsBosOnRequest) {
  EXPECT_EQ(base_->encode("Once upon a time", true), (std::vector<int>{1, 403, 407, 261, 378}));
  EXPECT_EQ(base_->encode("", true), std::vector<int>{1});
}

TEST_F(TokenizerTest, RoundTripsAsciiAfterBos) {
  for (std::string text : {"Once upon a time", "Hello world", "Lily's mom said, \"Hi!\"\nThe end.",
                           "a", "x = 42; // 100% (ok)?"}) {
    EXPECT_EQ(base_->decode(base_->encode(text, true)), text);
  }
}

// Without BOS nothing says the first piece starts the text, so its space stays.
TEST_F(TokenizerTest, KeepsLeadingSpaceWithoutBos) {
  EXPECT_EQ(base_->decode(base_->encode("Once upon", false)), " Once upon");
}

// tok512 has all 256 byte pieces, so text outside its vocabulary round-trips.
TEST_F(TokenizerTest, RoundTripsMultibyteTextThroughBytePieces) {
  for (int byte = 0; byte < 256; ++byte) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", byte);
    ASSERT_EQ(base_->token_id(name), byte_id(static_cast<unsigned char>(byte))) << name;
  }
  EXPECT_EQ(base_->decode(base_->encode(kMultibyte, true)), kMultibyte);
  EXPECT_EQ(base_->decode(base_->encode(kFlamingo, true)), kFlamingo);
}

// tok512's normalizer collapses runs of spaces and trims the ends (documented
// SentencePiece behaviour with remove_extra_whitespaces, as Python shows too).
TEST_F(TokenizerTest, NormalizerCollapsesWhitespace) {
  EXPECT_EQ(base_->decode(base_->encode("  two  spaces ", true)), "two spaces");
}

TEST_F(TokenizerTest, AddedTokensAreNeverSplit) {
  EXPECT_EQ(flamingo_->vocab_size(), 514);
  // "a" is 261 and "b" is 268 on their own (Python reference); each segment is
  // encoded like a fresh text, so "b" gets SentencePiece's word-start marker.
  EXPECT_EQ(flamingo_->encode("a<image>b<|endofchunk|>", false),
            (std::vector<int>{261, kImage, 268, kEndOfChunk}));
  EXPECT_EQ(flamingo_->encode("<image><image>", true), (std::vector<int>{1, kImage, kImage}));
  EXPECT_EQ(flamingo_->encode("<imag", false), base_->encode("<imag", false));
  EXPECT_EQ(flamingo_->token_id("<|endofchunk|>"), kEndOfChunk);
  EXPECT_EQ(flamingo_->piece(kImage), "<image>");
  EXPECT_EQ(flamingo_->decode({1, kImage, 403, kEndOfChunk}), "<image> Once<|endofchunk|>");
  EXPECT_THROW(flamingo_->piece(514), ArgumentError);
}

TEST_F(TokenizerTest, AddedTokensMatchLongestFirst) {
  auto tok = Tokenizer::load_sentencepiece(kModel, {{"<im", 600}, {"<image>", 601}});
  EXPECT_EQ(tok->encode("<image><im", false), (std::vector<int>{601, 600}));
  EXPECT_EQ(tok->vocab_size(), 602);
  EXPECT_THROW(tok->token_bytes(-1, 550), ArgumentError);  // a gap between added ids
}

TEST_F(TokenizerTest, RejectsCollidingAddedTokens) {
  try {
    Tokenizer::load_sentencepiece(kModel, {{"<x>", 5}});
    FAIL() << "id 5 is the byte piece <0x02>";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("<x>"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Tokenizer::load_sentencepiece(kModel, {{"<a>", 512}, {"<b>", 512}}),
               ArgumentError);
  EXPECT_THROW(Tokenizer::load_sentencepiece(kModel, {{"<a>", 512}, {"<a>", 513}}),
               ArgumentError);
  EXPECT_THROW(Tokenizer::load_sentencepiece(kModel, {{"", 512}}), ArgumentError);
  EXPECT_THROW(Tokenizer::load_sentencepiece(kModel, {{"<a>", -3}}), ArgumentError);
}

// Re-declaring a base piece is no collision: its text is then matched in prompts.
TEST_F(TokenizerTest, AcceptsRedeclaredBasePiece) {
  auto tok = Tokenizer::load_sentencepiece(kModel, {{"</s>", 2}});
  EXPECT_EQ(tok->vocab_size(), 512);
  EXPECT_EQ(tok->encode("a</s>", false), (std::vector<int>{261, 2}));
  EXPECT_EQ(tok->token_bytes(-1, 2), "");
}

TEST_F(TokenizerTest, TokenBytesFollowSentencePieceRules) {
  EXPECT_EQ(base_->token_bytes(1, 403), "Once");  // leading space dropped after BOS
  EXPECT_EQ(base_->token_bytes(-1, 403), " Once");
  EXPECT_EQ(base_->token_bytes(407, 403), " Once");
  EXPECT_EQ(base_->token_bytes(1, 260), "he");
  EXPECT_EQ(base_->token_bytes(-1, byte_id(0x0A)), "\n");
  EXPECT_EQ(base_->token_bytes(-1, byte_id(0xF0)), "\xF0");
  EXPECT_EQ(base_->token_bytes(-1, 1), "");  // BOS
  EXPECT_EQ(base_->token_bytes(-1, 2), "");  // EOS
  EXPECT_EQ(base_->token_bytes(-1, 0), "");  // <unk>
  EXPECT_EQ(flamingo_->token_bytes(1, kImage), "<image>");
  EXPECT_THROW(base_->token_bytes(-1, 512), ArgumentError);
  EXPECT_THROW(base_->token_bytes(-1, -1), ArgumentError);
}

TEST_F(TokenizerTest, StreamHoldsBackAnIncompleteCharacter) {
  StreamDecoder stream(*base_);
  EXPECT_EQ(stream.push(byte_id(0xF0)), "");
  EXPECT_EQ(stream.push(byte_id(0x9F)), "");
  EXPECT_EQ(stream.push(byte_id(0xA6)), "");
  EXPECT_EQ(stream.push(byte_id(0xA9)), kFlamingo);
  EXPECT_EQ(stream.flush(), "");
}

TEST_F(TokenizerTest, StreamConcatenationEqualsDecode) {
  std::vector<int> ids = flamingo_->encode(kMultibyte + "<image>Once upon a time", true);
  StreamDecoder stream(*flamingo_);
  std::string streamed;
  for (int id : ids) streamed += stream.push(id);
  streamed += stream.flush();
  EXPECT_EQ(streamed, flamingo_->decode(ids));
  EXPECT_EQ(streamed, kMultibyte + "<image> Once upon a time");
}

TEST_F(TokenizerTest, StreamReplacesInvalidBytes) {
  StreamDecoder stream(*base_);
  EXPECT_EQ(stream.push(byte_id(0xFF)), kFffd);  // never valid in UTF-8
  EXPECT_EQ(stream.push(byte_id(0xE4)), "");
  EXPECT_EQ(stream.push(261), kFffd + " a");  // the character was cut off
  EXPECT_EQ(stream.push(byte_id(0xF0)), "");
  EXPECT_EQ(stream.flush(), kFffd);
  EXPECT_EQ(stream.flush(), "");
}

TEST_F(TokenizerTest, StreamStartingAfterBosDropsTheSpace) {
  StreamDecoder stream(*base_, base_->bos_id());
  EXPECT_EQ(stream.push(403), "Once");
  EXPECT_EQ(stream.push(407), " upon");
}

TEST_F(TokenizerTest, DecodeReplacesInvalidUtf8) {
  EXPECT_EQ(base_->decode({byte_id(0xC0), byte_id(0xAF)}), kFffd + kFffd);  // overlong '/'
  EXPECT_EQ(base_->decode({403, byte_id(0xE4), byte_id(0xBD)}), " Once" + kFffd);
}

// llama2.c's run.c output for stories260K; its ids cannot be regenerated without
// the model, but re-encoding the text must decode back to the same bytes.
TEST_F(TokenizerTest, ReproducesLlama2cGoldenText) {
  std::string golden = read_file(kModelDir + "/greedy_from_bos_200.txt");
  ASSERT_FALSE(golden.empty());
  std::vector<int> ids = base_->encode(golden, true);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[1], 403);  // "▁Once", from the Python reference
  EXPECT_EQ(base_->token_bytes(1, ids[1]), "Once");
  EXPECT_EQ(base_->decode(ids), golden);
  StreamDecoder stream(*base_);
  std::string streamed;
  for (int id : ids) streamed += stream.push(id);
  EXPECT_EQ(streamed + stream.flush(), golden);
}

TEST_F(TokenizerTest, EncodesConcurrently) {
  std::string golden = read_file(kModelDir + "/greedy_from_bos_200.txt");
  std::vector<int> expected = flamingo_->encode(golden, true);
  std::vector<std::vector<int>> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] { result = flamingo_->encode(golden, true); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, expected);
}

// Returns what take_complete_utf8 emits and leaves pending, as a pair.
std::pair<std::string, std::string> take(std::string bytes) {
  std::string out = take_complete_utf8(bytes);
  return {out, bytes};
}

using Taken = std::pair<std::string, std::string>;

TEST(TakeCompleteUtf8, PassesValidText) {
  EXPECT_EQ(take(""), Taken("", ""));
  EXPECT_EQ(take("abc"), Taken("abc", ""));
  EXPECT_EQ(take(kMultibyte), Taken(kMultibyte, ""));
  EXPECT_EQ(take("\xF4\x8F\xBF\xBF"), Taken("\xF4\x8F\xBF\xBF", ""));  // U+10FFFF
  EXPECT_EQ(take("\xEF\xBF\xBF"), Taken("\xEF\xBF\xBF", ""));              // U+FFFF
}

TEST(TakeCompleteUtf8, KeepsAnIncompleteTail) {
  EXPECT_EQ(take("a\xE4\xBD"), Taken("a", "\xE4\xBD"));
  EXPECT_EQ(take("\xF0\x9F\xA6"), Taken("", "\xF0\x9F\xA6"));
  EXPECT_EQ(take("ok\xC3"), Taken("ok", "\xC3"));
  std::string pending = "\xF0\x9F";
  EXPECT_EQ(take_complete_utf8(pending), "");
  pending += "\xA6\xA9!";
  EXPECT_EQ(take_complete_utf8(pending), kFlamingo + "!");
  EXPECT_EQ(pending, "");
}

TEST(TakeCompleteUtf8, ReplacesInvalidSequences) {
  EXPECT_EQ(take("\x80"), Taken(kFffd, ""));                           // lone continuation
  EXPECT_EQ(take("\xFFx"), Taken(kFffd + "x", ""));                    // never a lead byte
  EXPECT_EQ(take("\xF5\x80\x80\x80"), Taken(kFffd + kFffd + kFffd + kFffd, ""));
  EXPECT_EQ(take("\xC0\xAF"), Taken(kFffd + kFffd, ""));               // overlong '/'
  EXPECT_EQ(take("\xE0\x80\xAF"), Taken(kFffd + kFffd + kFffd, ""));   // overlong '/'
  EXPECT_EQ(take("\xF0\x80\x80\xAF"), Taken(kFffd + kFffd + kFffd + kFffd, ""));
  EXPECT_EQ(take("\xED\xA0\x80"), Taken(kFffd + kFffd + kFffd, ""));   // surrogate U+D800
  EXPECT_EQ(take("\xF4\x90\x80\x80"), Taken(kFffd + kFffd + kFffd + kFffd, ""));  // > 10FFFF
  EXPECT_EQ(take("\xE4\xBDx"), Taken(kFffd + "x", ""));               // cut-off character
  EXPECT_EQ(take("\xF0\x80"), Taken(kFffd + kFffd, ""));  // cannot become valid: not kept
  EXPECT_EQ(take("\xC3\xA9\xC3"), Taken("\xC3\xA9", "\xC3"));
}

TEST(TokenizerLoad, MissingModelIsAFileError) {
  std::string path = std::string(FLAMINGO_TEST_TMP) + "/no_such_dir/tok.model";
  try {
    Tokenizer::load_sentencepiece(path);
    FAIL() << "loaded a missing file";
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

void expect_corrupt(const std::string& path) {
  try {
    Tokenizer::load_sentencepiece(path);
    FAIL() << "loaded a corrupt model " << path;
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(TokenizerLoad, CorruptModelIsAFileError) {
  std::mt19937 rng(20240601);
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng() & 0xFF);
  expect_corrupt(write_tmp("random.model", noise));
  expect_corrupt(write_tmp("truncated.model", read_file(kModel).substr(0, 1000)));
  expect_corrupt(write_tmp("empty.model", ""));
}

}  // namespace
}  // namespace flamingo
