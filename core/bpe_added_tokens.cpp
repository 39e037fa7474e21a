// Added tokens of the byte-level BPE tokenizer. `tokenizers` (huggingface/tokenizers,
// added_vocabulary.rs) matches the non-normalized ones in the raw text, then the
// normalized ones in the NFC text, leftmost-longest; this does the same.
#include "core/bpe_added_tokens.h"

#include <algorithm>

#include "core/bpe_tokenizer.h"
#include "core/error.h"

namespace flamingo::bpe {
namespace {

using json = nlohmann::json;

bool flag(const json& entry, const char* key, bool fallback, const std::string& path, const std::string& where) {
  if (!entry.contains(key) || entry[key].is_null()) return fallback;
  if (!entry[key].is_boolean()) throw FileError(path, where + "." + key + " must be true or false");
  return entry[key].get<bool>();
}

// The code point that ends just before byte `end` (valid UTF-8).
size_t previous_char(std::string_view s, size_t end, char32_t& cp) {
  size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  decode_utf8(s, start, cp);
  return start;
}

}  // namespace

void AddedTokens::load(const json& j, const std::string& path) {
  if (!j.contains("added_tokens") || j["added_tokens"].is_null()) return;
  const json& list = j["added_tokens"];
  if (!list.is_array()) throw FileError(path, "\"added_tokens\" must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    const json& e = list[i];
    std::string where = "added_tokens[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("content") || !e["content"].is_string() ||
        e["content"].get_ref<const std::string&>().empty() || !e.contains("id") ||
        !e["id"].is_number_integer() || e["id"].get<int64_t>() < 0 || e["id"].get<int64_t>() > (1 << 24))
      throw FileError(path, where + " needs a non-empty \"content\" and an \"id\" >= 0: " + e.dump());
    AddedTokenSpec s;
    s.content = e["content"].get<std::string>();
    s.id = e["id"].get<int>();
    s.special = flag(e, "special", false, path, where);
    s.single_word = flag(e, "single_word", false, path, where);
    s.lstrip = flag(e, "lstrip", false, path, where);
    s.rstrip = flag(e, "rstrip", false, path, where);
    s.normalized = flag(e, "normalized", !s.special, path, where);  // tokenizers' default
    // An added token may shadow the vocabulary piece of its id (<|endoftext|> = 0).
    if (find(s.id) != nullptr || id_of(s.content) >= 0)
      throw FileError(path, where + " \"" + s.content + "\" repeats an added token's id or content");
    insert(s);
  }
}

void AddedTokens::add_extra(const AddedToken& token, const std::vector<std::string>& pieces) {
  std::string name = "added token '" + token.text + "' (id " + std::to_string(token.id) + ")";
  if (token.text.empty()) throw ArgumentError(name + " has empty text");
  if (token.id < 0) throw ArgumentError(name + " has a negative id");
  int same_text = id_of(token.text);
  if (same_text == token.id) return;  // already declared by the file
  if (same_text >= 0)
    throw ArgumentError(name + ": the tokenizer file already has it with id " + std::to_string(same_text));
  if (const AddedTokenSpec* other = find(token.id))
    throw ArgumentError(name + " collides with the tokenizer file's added token '" + other->content + "'");
  if (token.id < static_cast<int>(pieces.size()) && !pieces[token.id].empty())
    throw ArgumentError(name + " collides with vocabulary piece '" + pieces[token.id] + "'; added ids must be >= " +
                        std::to_string(pieces.size()));
  // As OpenFlamingo adds them: special tokens, matched in the raw text.
  AddedTokenSpec s;
  s.content = token.text;
  s.id = token.id;
  s.special = true;
  s.normalized = false;
  insert(s);
}

void AddedTokens::insert(const AddedTokenSpec& spec) {
  tokens_.push_back(spec);
  auto& bucket = by_first_byte_[spec.normalized ? 1 : 0][static_cast<unsigned char>(spec.content[0])];
  bucket.push_back(static_cast<int>(tokens_.size() - 1));
  std::stable_sort(bucket.begin(), bucket.end(),
                   [this](int a, int b) { return tokens_[a].content.size() > tokens_[b].content.size(); });
}

int AddedTokens::max_id() const {
  int m = -1;
  for (const auto& t : tokens_) m = std::max(m, t.id);
  return m;
}

int AddedTokens::id_of(std::string_view content) const {
  for (const auto& t : tokens_) {
    if (t.content == content) return t.id;
  }
  return -1;
}

const AddedTokenSpec* AddedTokens::find(int id) const {
  for (const auto& t : tokens_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const AddedTokenSpec* AddedTokens::match_at(std::string_view text, size_t pos, bool normalized) const {
  for (int index : by_first_byte_[normalized ? 1 : 0][static_cast<unsigned char>(text[pos])]) {
    const AddedTokenSpec& t = tokens_[index];
    size_t len = t.content.size();
    // The second byte rules out most candidates (the 23 space runs after a space).
    if (len > text.size() - pos || (len > 1 && text[pos + 1] != t.content[1])) continue;
    if (text.compare(pos, len, t.content) != 0) continue;
    if (t.single_word) {
      char32_t c = 0;
      size_t end = pos + len;
      if (pos > 0 && (previous_char(text, pos, c), is_word_char(c))) continue;
      if (end < text.size() && (decode_utf8(text, end, c), is_word_char(c))) continue;
    }
    return &t;
  }
  return nullptr;
}

void AddedTokens::split(std::string_view text, bool normalized, std::vector<int>& ids,
                        const std::function<void(std::string_view)>& on_text) const {
  size_t segment = 0;  // start of the text not yet handed on
  for (size_t pos = 0; pos < text.size();) {
    const AddedTokenSpec* t = match_at(text, pos, normalized);
    if (t == nullptr) {
      ++pos;
      continue;
    }
    size_t start = pos;
    size_t end = pos + t->content.size();
    char32_t c = 0;
    while (t->lstrip && start > segment) {
      size_t before = previous_char(text, start, c);
      if (!is_white_space(c)) break;
      start = before;
    }
    while (t->rstrip && end < text.size()) {
      size_t len = decode_utf8(text, end, c);
      if (!is_white_space(c)) break;
      end += len;
    }
    if (start > segment) on_text(text.substr(segment, start - segment));
    ids.push_back(t->id);
    segment = pos = end;
  }
  if (segment < text.size()) on_text(text.substr(segment));
}

}  // namespace flamingo::bpe
