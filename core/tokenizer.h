#pragma once
// Text <-> token ids. SentencePiece models go through Debian's libsentencepiece,
// which lives in a separately loaded module (see core/sentencepiece/): that
// library bundles its own protobuf, which clashes with LibTorch's in one process.
// Added special tokens (<image>, <|endofchunk|>, padding) are matched in the text
// first and never split. No LibTorch here.
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace flamingo {

struct AddedToken {
  std::string text;  // e.g. "<image>"
  int id;            // must not collide with a piece of the base vocabulary
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Loads a SentencePiece model file. Throws FileError naming the file.
  static std::unique_ptr<Tokenizer> load_sentencepiece(const std::string& model_path,
                                                       const std::vector<AddedToken>& added = {});
  // Loads a Hugging Face tokenizer.json with a byte-level BPE model (GPT-2,
  // GPT-NeoX; core/bpe_tokenizer.cpp). Throws FileError naming the file.
  static std::unique_ptr<Tokenizer> load_bpe(const std::string& json_path,
                                             const std::vector<AddedToken>& added = {});
  // `type` is "sentencepiece" or "bpe" (config.json's "tokenizer.type").
  static std::unique_ptr<Tokenizer> load(const std::string& path, const std::string& type,
                                         const std::vector<AddedToken>& added = {});

  // Added tokens are split out first; the text between them is encoded by the
  // base model. BOS is prepended when add_bos is true.
  virtual std::vector<int> encode(const std::string& text, bool add_bos) const = 0;

  virtual int vocab_size() const = 0;  // base vocabulary plus added tokens
  virtual int bos_id() const = 0;      // -1 when the model has none
  virtual int eos_id() const = 0;
  virtual int token_id(const std::string& piece) const = 0;  // -1 when unknown
  virtual std::string piece(int id) const = 0;               // raw piece, e.g. "▁Once"

  // The bytes that token `id` adds to the text when it follows token `prev`
  // (SentencePiece rules: '▁' is a space, <0xNN> is a byte, a leading space right
  // after BOS is dropped, control tokens add nothing). May be part of a UTF-8
  // character: StreamDecoder reassembles those.
  virtual std::string token_bytes(int prev, int id) const = 0;

  // Whole-sequence decoding; invalid UTF-8 is replaced by U+FFFD.
  std::string decode(const std::vector<int>& ids) const;
};

// Trains a SentencePiece model with the library's trainer (spm_train); `args`
// are its flags ("--input=...", "--model_prefix=...", ...), relative paths taken
// from `working_dir` when given (the model records its input and prefix paths, so
// relative ones keep a machine's directories out of it). Throws Error on failure.
void train_sentencepiece(const std::vector<std::string>& args, const std::string& working_dir = {});

// The SentencePiece module that loading a SentencePiece model would use: beside
// the program, in <prefix>/lib/flamingo-chat, or in the build tree. Throws Error
// listing the places searched when there is none.
std::string sentencepiece_module_path();

// Streams text piece by piece and never emits a broken UTF-8 sequence: bytes of
// an incomplete character wait for the next token; flush() ends the stream and
// turns anything left incomplete into U+FFFD.
class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tokenizer, int prev = -1)
      : tokenizer_(tokenizer), prev_(prev) {}
  std::string push(int id);
  std::string flush();

 private:
  const Tokenizer& tokenizer_;
  int prev_;
  std::string pending_;
};

// Splits `bytes` into the longest prefix of complete, valid UTF-8 (invalid
// sequences replaced by U+FFFD) and keeps an incomplete tail in `pending`.
std::string take_complete_utf8(std::string& pending);

}  // namespace flamingo
