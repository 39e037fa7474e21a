// Byte-level BPE tokenizer tests on the real GPT-NeoX-20B tokenizer.json. The ids
// come from its README (measured with Hugging Face `tokenizers`); the parity test
// (BpeParity) compares >= 10,000 strings with that library itself, run by the CTest
// bpe_parity (tests/bpe_parity/).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bpe_tokenizer.h"
#include "core/error.h"
#include "core/tokenizer.h"
#include "tests/test_dirs.h"

namespace flamingo {
namespace {

const std::string kJson = FLAMINGO_SHARED_DIR "/tokenizers/gpt-neox-20b/tokenizer.json";

const Tokenizer& neox() {
  static const auto tok = Tokenizer::load_bpe(kJson);
  return *tok;
}

std::vector<int> ids(std::initializer_list<int> l) { return std::vector<int>(l); }

TEST(BpeTokenizer, ReadmeIds) {
  EXPECT_EQ(neox().encode("Hello world", false), ids({12092, 1533}));
  EXPECT_EQ(neox().encode("The red ball's 12345 colour\n\nnew", false),
            ids({510, 2502, 4023, 434, 1249, 16767, 10688, 187, 187, 1826}));
  EXPECT_EQ(neox().encode("", false), std::vector<int>());
}

TEST(BpeTokenizer, Vocabulary) {
  const Tokenizer& t = neox();
  EXPECT_EQ(t.bos_id(), -1);
  EXPECT_EQ(t.eos_id(), 0);
  EXPECT_EQ(t.token_id("<|endoftext|>"), 0);
  EXPECT_EQ(t.token_id("\xC4\xA0world"), 1533);  // "Ġworld"
  EXPECT_EQ(t.piece(1533), "\xC4\xA0world");
  EXPECT_EQ(t.token_bytes(-1, 1533), " world");
  EXPECT_EQ(t.token_bytes(-1, 187), "\n");  // "Ċ"
  EXPECT_EQ(t.token_id("no such piece"), -1);
  EXPECT_GE(t.vocab_size(), 50277);
  EXPECT_THROW(t.token_bytes(-1, t.vocab_size()), ArgumentError);
  EXPECT_THROW(t.token_bytes(-1, -1), ArgumentError);
}

// The GPT-2 regex's matches, worked out by hand from its alternatives.
TEST(BpeTokenizer, SplitFollowsTheGpt2Regex) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(bpe::split_gpt2("a   b"), (V{"a", "  ", " b"}));
  EXPECT_EQ(bpe::split_gpt2("x  "), (V{"x", "  "}));
  EXPECT_EQ(bpe::split_gpt2("I'll IT'S don't"), (V{"I", "'ll", " IT", "'", "S", " don", "'t"}));
  EXPECT_EQ(bpe::split_gpt2("a\t\tb 12ab!!?"), (V{"a", "\t", "\t", "b", " 12", "ab", "!!?"}));
  EXPECT_EQ(bpe::split_gpt2(" \n x"), (V{" \n", " x"}));
  // U+00A0 is white space; U+0301 (a combining mark, Mn) is neither letter nor number.
  EXPECT_EQ(bpe::split_gpt2("\xC2\xA0y e\xCC\x81"), (V{"\xC2\xA0", "y", " e", "\xCC\x81"}));
}

TEST(BpeTokenizer, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(bpe::valid_utf8("a\xFF" "b\xE4\xBD"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_EQ(bpe::valid_utf8("\xE0\x80\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(neox().encode("x\xC0y", false), neox().encode("x\xEF\xBF\xBDy", false));
}

TEST(BpeTokenizer, RoundTripIsNfc) {
  const std::vector<std::string> texts = {
      "Hello world", "  leading and trailing  ", "tabs\tand\nnew\r\nlines",
      "Cafe\xCC\x81 and caf\xC3\xA9",                       // e + U+0301 composes to U+00E9
      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE4\xBD\xA0\xE5\xA5\xBD",  // Привет 你好
      "\xF0\x9F\x91\xA9\xF0\x9F\x8F\xBD\xE2\x80\x8D\xF0\x9F\x9A\x80 \xF0\x9F\xA6\xA9",  // 👩🏽‍🚀 🦩
      "<|endoftext|> in the middle <|padding|>", std::string(40, ' ') + "x"};
  for (const auto& text : texts) {
    EXPECT_EQ(neox().decode(neox().encode(text, false)), bpe::nfc(text)) << text;
  }
  EXPECT_EQ(bpe::nfc("Cafe\xCC\x81"), "Caf\xC3\xA9");
}

TEST(BpeTokenizer, StreamingNeverEmitsBrokenUtf8) {
  std::string text = "\xF0\x9F\x91\xA9\xF0\x9F\x8F\xBD\xE2\x80\x8D\xF0\x9F\x9A\x80 \xF0\x9F\xA6\xA9 "
                     "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5 \xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87";
  auto tokens = neox().encode(text, false);
  EXPECT_GT(tokens.size(), 8u);  // byte-level: emoji span several tokens
  StreamDecoder stream(neox());
  std::string joined;
  for (int id : tokens) {
    std::string piece = stream.push(id);
    EXPECT_EQ(bpe::valid_utf8(piece), piece) << "token " << id;
    joined += piece;
  }
  joined += stream.flush();
  EXPECT_EQ(joined, text);
}

TEST(BpeTokenizer, ExtraAddedTokens) {
  // The shared file already uses 50277..50280 (<|im_start|>, <|im_end|>, assistant, RWKV).
  EXPECT_THROW(Tokenizer::load_bpe(kJson, {{"<image>", 50278}}), ArgumentError);
  EXPECT_THROW(Tokenizer::load_bpe(kJson, {{"<image>", 500}}), ArgumentError);
  EXPECT_THROW(Tokenizer::load_bpe(kJson, {{"<|endoftext|>", 7}}), ArgumentError);
  auto tok = Tokenizer::load_bpe(kJson, {{"<|endofchunk|>", 50281}, {"<image>", 50282}, {"<|endoftext|>", 0}});
  EXPECT_EQ(tok->vocab_size(), 50283);
  auto a = tok->encode("a<image>b<|endofchunk|>", false);
  EXPECT_EQ(a, ids({66, 50282, 67, 50281}));  // "a" = 66, "b" = 67: the byte map
  EXPECT_EQ(tok->decode(a), "a<image>b<|endofchunk|>");
  EXPECT_EQ(tok->token_id("<image>"), 50282);
}

std::string write(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  auto path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

void expect_file_error(const std::string& path, const std::string& problem) {
  try {
    Tokenizer::load_bpe(path);
    ADD_FAILURE() << "no error for " << path;
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
  }
}

TEST(BpeTokenizer, MalformedFilesAreFileErrors) {
  auto dir = fresh_test_dir("bpe");
  const std::string pre = R"("pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},)";
  const std::string vocab = R"("vocab": {"a": 0, "b": 1, "ab": 2})";
  expect_file_error((dir / "missing.json").string(), "cannot be opened");
  expect_file_error(write(dir, "not_json.json", "{\"model\": "), "not valid JSON");
  expect_file_error(write(dir, "no_model.json", "{" + pre + R"("normalizer": null})"), "\"model\"");
  expect_file_error(write(dir, "wordpiece.json", "{" + pre + R"("model": {"type": "WordPiece", )" + vocab + "}}"),
                    "\"model.type\" must be \"BPE\"");
  expect_file_error(write(dir, "merge_unknown.json",
                          "{" + pre + R"("model": {"type": "BPE", )" + vocab + R"(, "merges": ["a c"]}})"),
                    "merge 0 uses \"c\"");
  expect_file_error(write(dir, "merge_shape.json",
                          "{" + pre + R"("model": {"type": "BPE", )" + vocab + R"(, "merges": [7]}})"),
                    "merge 0 is neither");
  expect_file_error(write(dir, "no_merges.json", "{" + pre + R"("model": {"type": "BPE", )" + vocab + "}}"),
                    "\"model.merges\" must be a list");
  expect_file_error(write(dir, "bad_pre.json", R"({"pre_tokenizer": {"type": "Whitespace"}, "model": {"type": "BPE", )" +
                                                   vocab + R"(, "merges": []}})"),
                    "unsupported pre_tokenizer");
  expect_file_error(write(dir, "bad_added.json", "{" + pre + R"("added_tokens": [{"id": 3}], "model": {"type": "BPE", )" +
                                                     vocab + R"(, "merges": []}})"),
                    "added_tokens[0]");
  // Both merge spellings load: "a b" and ["a", "b"].
  auto ok = write(dir, "tiny.json", "{" + pre + R"("model": {"type": "BPE", )" + vocab + R"(, "merges": [["a", "b"]]}})");
  EXPECT_EQ(Tokenizer::load_bpe(ok)->encode("abba", false), ids({2, 1, 0}));
}

// Encode speed on real prose and code: Debian's licence texts (base-files), first
// with a cold word cache, then 16 times over with a warm one.
TEST(BpeTokenizer, EncodeSpeed) {
  std::string corpus;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/share/common-licenses")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    corpus.append(std::istreambuf_iterator<char>(in), {});
  }
  if (corpus.size() < 100000) GTEST_SKIP() << "too little text in /usr/share/common-licenses";
  auto tok = Tokenizer::load_bpe(kJson);
  auto time_mb_s = [&](int repeats) {
    size_t count = 0;
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeats; ++r) count += tok->encode(corpus, false).size();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GT(count, corpus.size() / 8 * repeats);
    return corpus.size() * repeats / s / 1e6;
  };
  double cold = time_mb_s(1);
  double warm = time_mb_s(16);
  std::printf("bpe encode: %zu bytes, cold cache %.2f MB/s, warm cache %.2f MB/s\n", corpus.size(), cold, warm);
}

std::string base64_decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    size_t k = chars.find(c);
    if (k == std::string::npos) continue;  // '=' padding
    value = (value << 6) | static_cast<int>(k);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

// Non-printable and non-ASCII characters as \u{...}, so a mismatch is readable.
std::string escaped(const std::string& text) {
  std::string valid = bpe::valid_utf8(text), out;
  for (size_t i = 0; i < valid.size();) {
    char32_t cp = 0;
    size_t len = bpe::decode_utf8(valid, i, cp);
    if (cp >= 0x20 && cp < 0x7F && cp != '\\') {
      out += static_cast<char>(cp);
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%X}", static_cast<unsigned>(cp));
      out += buf;
    }
    i += len;
  }
  return out;
}

std::string join(const std::vector<int>& v) {
  std::string s;
  for (int id : v) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}

// Written by tests/bpe_parity/make_cases.js with the real `tokenizers` library.
TEST(BpeParity, MatchesHuggingFaceTokenizers) {
  const char* cases_path = std::getenv("FLAMINGO_BPE_PARITY_JSON");
  if (cases_path == nullptr) GTEST_SKIP() << "FLAMINGO_BPE_PARITY_JSON not set (the bpe_parity CTest sets it)";
  std::ifstream in(cases_path);
  ASSERT_TRUE(in) << cases_path;
  auto j = nlohmann::json::parse(in);
  std::vector<AddedToken> added;
  for (const auto& a : j.at("added")) added.push_back({a.at("text"), a.at("id")});
  auto tok = Tokenizer::load_bpe(j.at("tokenizer").get<std::string>(), added);
  size_t compared = 0, mismatches = 0, bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (const auto& c : j.at("cases")) {
    std::string text = c.contains("b64") ? base64_decode(c["b64"]) : c.at("text").get<std::string>();
    auto expected = c.at("ids").get<std::vector<int>>();
    auto got = tok->encode(text, false);
    ++compared;
    bytes += text.size();
    if (got == expected) continue;
    if (++mismatches <= 10)
      ADD_FAILURE() << "text \"" << escaped(text) << "\"\n  tokenizers: " << join(expected) << "\n  ours:       " << join(got);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("bpe parity: %zu strings (%zu bytes) compared, %zu mismatches, %.2f MB/s\n", compared, bytes,
              mismatches, bytes / s / 1e6);
  EXPECT_GE(compared, 10000u);
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace flamingo
