#pragma once
// The added tokens of a tokenizer.json (and extra ones such as OpenFlamingo's
// <image>), cut out of the text before BPE and never split. Core-internal.
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tokenizer.h"

namespace flamingo::bpe {

// One entry of tokenizer.json's "added_tokens", with `tokenizers`' flags.
struct AddedTokenSpec {
  std::string content;
  int id = -1;
  bool special = false;
  bool single_word = false;  // only where no word character touches it
  bool lstrip = false;       // swallows the white space before it
  bool rstrip = false;       // swallows the white space after it
  bool normalized = true;    // matched in the NFC text (else in the raw text)
};

class AddedTokens {
 public:
  // Reads j["added_tokens"]. Throws FileError naming `path` and the entry.
  void load(const nlohmann::json& j, const std::string& path);
  // An extra special token (OpenFlamingo's <image>, ...), matched in the raw text.
  // Throws ArgumentError when it clashes with the file's tokens or vocabulary.
  void add_extra(const AddedToken& token, const std::vector<std::string>& pieces);

  int max_id() const;
  int id_of(std::string_view content) const;  // -1 when not an added token
  const AddedTokenSpec* find(int id) const;   // nullptr when not an added token

  // Cuts the tokens of one kind (normalized or not) out of `text`, leftmost and
  // longest first: their ids go to `ids`, the text between them to `on_text`.
  void split(std::string_view text, bool normalized, std::vector<int>& ids,
             const std::function<void(std::string_view)>& on_text) const;

 private:
  void insert(const AddedTokenSpec& spec);
  const AddedTokenSpec* match_at(std::string_view text, size_t pos, bool normalized) const;

  std::vector<AddedTokenSpec> tokens_;
  // Indices into tokens_ by first byte, longest content first; [0] raw, [1] normalized.
  std::array<std::array<std::vector<int>, 256>, 2> by_first_byte_;
};

}  // namespace flamingo::bpe
