// Text preparation for the byte-level BPE tokenizer: lossy UTF-8, NFC and the
// GPT-2 split regex, hand-coded over Unicode categories from ICU.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdint>

#include "core/bpe_tokenizer.h"
#include "core/error.h"
#include "core/tokenizer.h"

namespace flamingo::bpe {
namespace {

// The classes the GPT-2 regex tells apart. kSpace is Oniguruma's Unicode \s
// (U+0009..U+000D, U+0085 and the Zl, Zp, Zs categories), which is exactly the
// Unicode White_Space property.
enum class Cls : uint8_t { other, letter, number, space };

Cls classify(char32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Cls::letter;
    if (c >= '0' && c <= '9') return Cls::number;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return Cls::space;
    return Cls::other;
  }
  if (u_isUWhiteSpace(static_cast<UChar32>(c))) return Cls::space;
  uint32_t mask = U_GET_GC_MASK(static_cast<UChar32>(c));
  if ((mask & U_GC_L_MASK) != 0) return Cls::letter;
  if ((mask & U_GC_N_MASK) != 0) return Cls::number;
  return Cls::other;
}

// The text as code points with their classes; off[k] is the byte offset of
// code point k, off[n] the text's length.
struct CodePoints {
  std::vector<char32_t> cp;
  std::vector<Cls> cls;
  std::vector<size_t> off;
};

CodePoints code_points(std::string_view s) {
  CodePoints t;
  t.cp.reserve(s.size());
  t.cls.reserve(s.size());
  t.off.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size();) {
    char32_t c = 0;
    size_t len = decode_utf8(s, i, c);
    t.cp.push_back(c);
    t.cls.push_back(classify(c));
    t.off.push_back(i);
    i += len;
  }
  t.off.push_back(s.size());
  return t;
}

// Length in code points of a contraction ('s 't 're 've 'm 'll 'd) at k, else 0.
// The regex is case-sensitive: "'S" is not one.
size_t contraction(const CodePoints& t, size_t k) {
  size_t n = t.cp.size();
  if (t.cp[k] != U'\'' || k + 1 >= n) return 0;
  char32_t a = t.cp[k + 1];
  if (a == U's' || a == U't' || a == U'm' || a == U'd') return 2;
  if (k + 2 >= n) return 0;
  char32_t b = t.cp[k + 2];
  if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) return 3;
  return 0;
}

// End (code point index) of the match that starts at k.
size_t match_end(const CodePoints& t, size_t k) {
  size_t n = t.cp.size();
  if (size_t c = contraction(t, k)) return k + c;
  // ` ?\p{L}+`, ` ?\p{N}+` and ` ?[^\s\p{L}\p{N}]+`: the class of the first
  // character after an optional ASCII space decides which one applies.
  size_t body = (t.cp[k] == U' ' && k + 1 < n && t.cls[k + 1] != Cls::space) ? k + 1 : k;
  Cls c = t.cls[body];
  if (c != Cls::space) {
    size_t e = body + 1;
    while (e < n && t.cls[e] == c) ++e;
    return e;
  }
  // `\s+(?!\S)` keeps back the last white space before a non-space, so that it
  // can prefix the next word; a lone space before a non-space falls to `\s+`.
  size_t e = k + 1;
  while (e < n && t.cls[e] == Cls::space) ++e;
  if (e < n && e - k >= 2) --e;
  return e;
}

}  // namespace

size_t decode_utf8(std::string_view s, size_t i, char32_t& cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  size_t len = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  if (i + len > s.size()) len = s.size() - i;  // only for invalid input
  cp = len == 1 ? b0 : b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return len;
}

bool is_white_space(char32_t c) { return classify(c) == Cls::space; }

bool is_word_char(char32_t c) {
  Cls k = classify(c);
  return k == Cls::letter || k == Cls::number || c == U'_';
}

std::string valid_utf8(std::string_view bytes) {
  std::string pending(bytes);
  std::string out = take_complete_utf8(pending);
  if (!pending.empty()) out += "\xEF\xBF\xBD";  // a truncated sequence at the end
  return out;
}

std::string nfc(std::string_view utf8) {
  bool ascii = true;
  for (char ch : utf8) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  if (ascii) return std::string(utf8);  // ASCII is always in NFC
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* norm = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw Error(std::string("ICU NFC normaliser unavailable: ") + u_errorName(status));
  icu::StringPiece piece(utf8.data(), static_cast<int32_t>(utf8.size()));
  if (norm->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(utf8);
  status = U_ZERO_ERROR;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(piece);
  icu::UnicodeString normal = norm->normalize(text, status);
  if (U_FAILURE(status)) throw Error(std::string("NFC normalisation failed: ") + u_errorName(status));
  std::string out;
  normal.toUTF8String(out);
  return out;
}

std::vector<std::string_view> split_gpt2(std::string_view utf8) {
  CodePoints t = code_points(utf8);
  std::vector<std::string_view> words;
  for (size_t k = 0; k < t.cp.size();) {
    size_t e = match_end(t, k);
    words.push_back(utf8.substr(t.off[k], t.off[e] - t.off[k]));
    k = e;
  }
  return words;
}

// openai/gpt-2 src/encoder.py bytes_to_unicode: printable Latin-1 bytes stand for
// themselves, the other 68 get U+0100 onwards in byte order.
const std::array<char32_t, 256>& byte_to_unicode() {
  static const std::array<char32_t, 256> map = [] {
    std::array<char32_t, 256> m{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      m[b] = printable ? static_cast<char32_t>(b) : next++;
    }
    return m;
  }();
  return map;
}

}  // namespace flamingo::bpe
