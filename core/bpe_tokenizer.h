#pragma once
// Building blocks of the byte-level BPE tokenizer (Hugging Face tokenizer.json of
// GPT-2 style models: GPT-NeoX, MPT, RedPajama), exposed for the tests. The
// tokenizer itself is made by Tokenizer::load_bpe (core/tokenizer.h).
// No LibTorch here.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace flamingo::bpe {

// `bytes` with each maximal invalid UTF-8 subsequence replaced by U+FFFD (the
// WHATWG / Rust from_utf8_lossy rule); valid input comes back unchanged.
std::string valid_utf8(std::string_view bytes);

// Unicode Normalization Form C of valid UTF-8 (ICU).
std::string nfc(std::string_view utf8);

// The GPT-2 pre-tokenizer: splits valid UTF-8 the way the regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// does (Radford et al. 2019, openai/gpt-2 encoder.py). Returns views into `utf8`
// that cover it exactly, in order.
std::vector<std::string_view> split_gpt2(std::string_view utf8);

// Unicode White_Space (Rust's char::is_whitespace), and letters, numbers or '_'
// (the word characters of an added token's single_word check).
bool is_white_space(char32_t c);
bool is_word_char(char32_t c);

// Decodes the code point of valid UTF-8 at s[i]; returns its length in bytes.
size_t decode_utf8(std::string_view s, size_t i, char32_t& cp);

// GPT-2's bytes_to_unicode: the code point that stands for each byte in the
// vocabulary and merges of a byte-level BPE file.
const std::array<char32_t, 256>& byte_to_unicode();

}  // namespace flamingo::bpe
