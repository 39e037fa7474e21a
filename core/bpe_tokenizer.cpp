// Byte-level BPE from a Hugging Face tokenizer.json (the format of the `tokenizers`
// library; GPT-NeoX-20B's file is the one used by MPT, RedPajama and OpenFlamingo).
// Pipeline, as `tokenizers` runs it: added tokens that are not normalised are cut
// out of the raw text; the rest is NFC-normalised; normalised added tokens are cut
// out of that; each remaining run is split by the GPT-2 regex and every piece is
// merged by BPE over its bytes. See docs/tokenizer.md.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <mutex>
#include <queue>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/bpe_added_tokens.h"
#include "core/bpe_tokenizer.h"
#include "core/error.h"
#include "core/tokenizer.h"

namespace flamingo {
namespace {

using json = nlohmann::json;

// Bytes spelled by a vocabulary string: each character stands for one byte
// (byte_to_unicode); a character outside that map stands for its own UTF-8.
std::string piece_bytes(const std::string& piece) {
  static const std::unordered_map<char32_t, char> inverse = [] {
    std::unordered_map<char32_t, char> m;
    const auto& fwd = bpe::byte_to_unicode();
    for (int b = 0; b < 256; ++b) m[fwd[b]] = static_cast<char>(b);
    return m;
  }();
  std::string out;
  for (size_t i = 0; i < piece.size();) {
    char32_t cp = 0;
    size_t len = bpe::decode_utf8(piece, i, cp);
    auto it = inverse.find(cp);
    if (it != inverse.end()) {
      out += it->second;
    } else {
      out.append(piece, i, len);
    }
    i += len;
  }
  return out;
}

struct Merge {
  int rank;
  int id;  // of the merged piece
};

uint64_t pair_key(int a, int b) { return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b); }

class BpeTokenizer : public Tokenizer {
 public:
  BpeTokenizer(const std::string& path, const std::vector<AddedToken>& extra) : path_(path) {
    json j = read_json(path);
    check_pipeline(j);
    const json& model = j.at("model");
    load_vocab(model);
    load_merges(model);
    added_.load(j, path);
    for (const auto& token : extra) added_.add_extra(token, pieces_);
    vocab_size_ = std::max(static_cast<int>(pieces_.size()), added_.max_id() + 1);
    eos_ = added_.id_of("<|endoftext|>");
  }

  std::vector<int> encode(const std::string& text, bool /*add_bos: there is no BOS*/) const override {
    std::vector<int> ids;
    std::string valid = bpe::valid_utf8(text);
    added_.split(valid, /*normalized=*/false, ids, [&](std::string_view raw) {
      std::string normal = nfc_ ? bpe::nfc(raw) : std::string(raw);
      added_.split(normal, /*normalized=*/true, ids, [&](std::string_view run) {
        for (std::string_view word : bpe::split_gpt2(run)) encode_word(word, ids);
      });
    });
    return ids;
  }

  int vocab_size() const override { return vocab_size_; }
  int bos_id() const override { return -1; }
  int eos_id() const override { return eos_; }

  int token_id(const std::string& piece) const override {
    int added = added_.id_of(piece);
    if (added >= 0) return added;
    auto it = vocab_.find(piece);
    return it == vocab_.end() ? -1 : it->second;
  }

  std::string piece(int id) const override {
    const bpe::AddedTokenSpec* added = added_.find(id);
    if (added != nullptr) return added->content;
    return pieces_.at(check_id(id));
  }

  std::string token_bytes(int /*prev*/, int id) const override {
    const bpe::AddedTokenSpec* added = added_.find(id);
    if (added != nullptr) return added->content;
    return bytes_[check_id(id)];
  }

 private:
  static json read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path, "cannot be opened");
    try {
      json j = json::parse(in);
      if (!j.is_object()) throw FileError(path, "is not a tokenizer.json (not a JSON object)");
      return j;
    } catch (const json::exception& e) {
      throw FileError(path, std::string("is not valid JSON: ") + e.what());
    }
  }

  // Only the pieces GPT-2 style files use are implemented; anything else is refused
  // instead of being tokenised differently from the reference.
  void check_pipeline(const json& j) {
    if (!j.contains("model") || !j["model"].is_object()) throw FileError(path_, "has no \"model\" object");
    const json& m = j["model"];
    if (m.value("type", std::string()) != "BPE")
      throw FileError(path_, "\"model.type\" must be \"BPE\" (got " + m.value("type", json()).dump() + ")");
    for (const char* key : {"dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"}) {
      if (m.contains(key) && !m[key].is_null())
        throw FileError(path_, std::string("unsupported \"model.") + key + "\": " + m[key].dump());
    }
    if (m.value("byte_fallback", false)) throw FileError(path_, "unsupported \"model.byte_fallback\": true");
    ignore_merges_ = m.value("ignore_merges", false);
    const json norm = j.value("normalizer", json());
    if (!norm.is_null() && norm.value("type", std::string()) != "NFC")
      throw FileError(path_, "unsupported normalizer " + norm.dump() + " (only NFC or none)");
    nfc_ = !norm.is_null();
    const json pre = j.value("pre_tokenizer", json());
    if (!pre.is_object() || pre.value("type", std::string()) != "ByteLevel" ||
        pre.value("add_prefix_space", false) || !pre.value("use_regex", true))
      throw FileError(path_, "unsupported pre_tokenizer " + pre.dump() +
                                 " (only ByteLevel with add_prefix_space false and the GPT-2 regex)");
  }

  void load_vocab(const json& model) {
    if (!model.contains("vocab") || !model["vocab"].is_object())
      throw FileError(path_, "\"model.vocab\" must be an object of piece -> id");
    for (const auto& [piece, value] : model["vocab"].items()) {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > (1 << 24))
        throw FileError(path_, "vocabulary entry \"" + piece + "\" has a bad id " + value.dump());
      int id = value.get<int>();
      if (id >= static_cast<int>(pieces_.size())) {
        pieces_.resize(id + 1);
        bytes_.resize(id + 1);
        known_.resize(id + 1, false);
      }
      pieces_[id] = piece;
      bytes_[id] = piece_bytes(piece);
      known_[id] = true;
      vocab_[piece] = id;
      by_bytes_[bytes_[id]] = id;
    }
    byte_ids_.fill(-1);
    for (int b = 0; b < 256; ++b) {
      auto it = by_bytes_.find(std::string(1, static_cast<char>(b)));
      if (it != by_bytes_.end()) byte_ids_[b] = it->second;
    }
  }

  int piece_id(const std::string& piece, size_t index) const {
    auto it = vocab_.find(piece);
    if (it == vocab_.end())
      throw FileError(path_, "merge " + std::to_string(index) + " uses \"" + piece +
                                 "\", which is not in the vocabulary");
    return it->second;
  }

  // A merge is "a b" (older files) or ["a", "b"]; its rank is its position.
  void load_merges(const json& model) {
    if (!model.contains("merges") || !model["merges"].is_array())
      throw FileError(path_, "\"model.merges\" must be a list");
    const json& merges = model["merges"];
    for (size_t i = 0; i < merges.size(); ++i) {
      const json& m = merges[i];
      std::string a, b;
      if (m.is_string()) {
        const std::string& s = m.get_ref<const std::string&>();
        size_t space = s.find(' ');
        if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
          throw FileError(path_, "merge " + std::to_string(i) + " \"" + s + "\" is not two pieces \"a b\"");
        a = s.substr(0, space);
        b = s.substr(space + 1);
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        a = m[0].get<std::string>();
        b = m[1].get<std::string>();
      } else {
        throw FileError(path_, "merge " + std::to_string(i) + " is neither \"a b\" nor [\"a\", \"b\"]: " + m.dump());
      }
      int left = piece_id(a, i);
      int right = piece_id(b, i);
      merges_.emplace(pair_key(left, right), Merge{static_cast<int>(i), piece_id(a + b, i)});
    }
  }

  size_t check_id(int id) const {
    if (id < 0 || id >= static_cast<int>(known_.size()) || !known_[id])
      throw ArgumentError("token id " + std::to_string(id) + " is not in the vocabulary of " + path_ +
                          " (" + std::to_string(vocab_size_) + " ids)");
    return static_cast<size_t>(id);
  }

  void encode_word(std::string_view word, std::vector<int>& ids) const;
  std::vector<int> merge_word(std::string_view word) const;

  std::string path_;
  bool nfc_ = false;
  bool ignore_merges_ = false;
  int vocab_size_ = 0;
  int eos_ = -1;
  std::vector<std::string> pieces_;  // by id, as spelled in the file ("Ġworld")
  std::vector<std::string> bytes_;   // by id, the bytes each piece stands for
  std::vector<bool> known_;          // ids that the vocabulary defines
  std::unordered_map<std::string, int> vocab_;     // piece -> id
  std::unordered_map<std::string, int> by_bytes_;  // bytes -> id
  std::array<int, 256> byte_ids_{};
  std::unordered_map<uint64_t, Merge> merges_;  // (left id, right id) -> merge
  bpe::AddedTokens added_;

  // Words repeat a lot in text; their merged ids are cached.
  static constexpr size_t kCacheLimit = 1 << 17;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int>> cache_;
};

void BpeTokenizer::encode_word(std::string_view word, std::vector<int>& ids) const {
  std::string key(word);
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int> merged = merge_word(word);
  ids.insert(ids.end(), merged.begin(), merged.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.emplace(std::move(key), std::move(merged));
}

// Merges the word's bytes pair by pair, always the pair of lowest rank first and
// the leftmost of equal ones, as `tokenizers`' BPE::merge_word does: a min-heap of
// candidate pairs over a linked list of symbols, O(n log n) even for long words.
std::vector<int> BpeTokenizer::merge_word(std::string_view word) const {
  if (ignore_merges_) {
    auto whole = by_bytes_.find(std::string(word));
    if (whole != by_bytes_.end()) return {whole->second};
  }
  struct Sym {
    int id, prev, next;
  };
  struct Cand {
    int rank, pos, left, right, id;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  const int n = static_cast<int>(word.size());
  std::vector<Sym> sym(n);
  for (int i = 0; i < n; ++i) {
    int id = byte_ids_[static_cast<unsigned char>(word[i])];
    if (id < 0)
      throw FileError(path_, "the vocabulary has no piece for byte " + std::to_string(static_cast<unsigned char>(word[i])));
    sym[i] = {id, i - 1, i + 1 < n ? i + 1 : -1};
  }
  std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> heap;
  auto consider = [&](int pos) {
    if (pos < 0 || sym[pos].next < 0) return;
    const Sym& right = sym[sym[pos].next];
    auto it = merges_.find(pair_key(sym[pos].id, right.id));
    if (it != merges_.end()) heap.push({it->second.rank, pos, sym[pos].id, right.id, it->second.id});
  };
  for (int i = 0; i + 1 < n; ++i) consider(i);
  while (!heap.empty()) {
    Cand c = heap.top();
    heap.pop();
    Sym& left = sym[c.pos];
    // Stale candidates: one side was merged away or changed since it was pushed.
    if (left.id != c.left || left.next < 0 || sym[left.next].id != c.right) continue;
    int gone = left.next;
    left.id = c.id;
    left.next = sym[gone].next;
    if (left.next >= 0) sym[left.next].prev = c.pos;
    sym[gone].id = -1;
    consider(left.prev);
    consider(c.pos);
  }
  std::vector<int> out;
  for (int i = 0; i >= 0 && i < n; i = sym[i].next) out.push_back(sym[i].id);
  return out;
}

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::load_bpe(const std::string& json_path,
                                               const std::vector<AddedToken>& added) {
  return std::make_unique<BpeTokenizer>(json_path, added);
}

std::unique_ptr<Tokenizer> Tokenizer::load(const std::string& path, const std::string& type,
                                           const std::vector<AddedToken>& added) {
  if (type == "bpe") return load_bpe(path, added);
  if (type == "sentencepiece") return load_sentencepiece(path, added);
  throw ArgumentError("unknown tokenizer type \"" + type + "\" for " + path +
                      " (use \"sentencepiece\" or \"bpe\")");
}

}  // namespace flamingo
