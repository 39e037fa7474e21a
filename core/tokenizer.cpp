#include "core/tokenizer.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <cstddef>
#include <filesystem>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "core/paths.h"

// The module's opaque handle (defined in core/sentencepiece/sentencepiece_module.cpp).
struct fsp_model;

namespace flamingo {
namespace {

// Must equal kAbiVersion in sentencepiece_module.cpp; a module built from other
// sources is refused instead of being called with the wrong signatures.
constexpr int kModuleAbiVersion = 2;
constexpr const char* kModuleFile = "flamingo_sentencepiece.so";
constexpr const char* kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kSpaceMarker = "\xE2\x96\x81";  // U+2581, SentencePiece's space

// The module's C ABI, bound once per process.
struct SpModule {
  int (*abi_version)();
  fsp_model* (*load)(const char* path, char* err, size_t err_len);
  void (*free)(fsp_model* model);
  int (*vocab_size)(const fsp_model* model);
  const char* (*id_to_piece)(const fsp_model* model, int id, size_t* len);
  int (*is_byte)(const fsp_model* model, int id);
  int (*is_control)(const fsp_model* model, int id);
  int (*is_unknown)(const fsp_model* model, int id);
  int (*is_unused)(const fsp_model* model, int id);
  int (*bos_id)(const fsp_model* model);
  int (*eos_id)(const fsp_model* model);
  int (*unk_id)(const fsp_model* model);
  long (*encode)(const fsp_model* model, const char* text, size_t len, int* out_ids, size_t cap,
                 char* err, size_t err_len);
};

// Installed programs find the module beside them or in their lib dir; programs
// run from the build tree find it where CMake built it.
std::vector<std::string> module_candidates() {
  std::string exe_dir = executable_dir();
  std::vector<std::string> dirs{exe_dir};
#ifdef FLAMINGO_INSTALL_LIBDIR
  std::string libdir = FLAMINGO_INSTALL_LIBDIR;
  dirs.push_back((libdir.rfind('/', 0) == 0 ? libdir : exe_dir + "/../" + libdir) +
                 "/flamingo-chat");
#endif
#ifdef FLAMINGO_BUILD_MODULE_DIR
  dirs.push_back(FLAMINGO_BUILD_MODULE_DIR);
#endif
  std::vector<std::string> paths;
  for (const auto& dir : dirs) {
    paths.push_back(std::filesystem::path(dir + "/" + kModuleFile).lexically_normal().string());
  }
  return paths;
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::string find_module() {
  auto candidates = module_candidates();
  for (const auto& path : candidates) {
    if (file_exists(path)) return path;
  }
  std::string searched;
  for (const auto& path : candidates) searched += "\n  " + path;
  throw Error(std::string("tokenizer module ") + kModuleFile +
              " not found (it ships with Flamingo Chat); searched:" + searched);
}

template <typename Fn>
void bind(void* lib, const std::string& path, const char* name, Fn& fn) {
  void* sym = dlsym(lib, name);
  if (sym == nullptr) {
    throw FileError(path, std::string("tokenizer module lacks symbol ") + name +
                              " (stale or foreign build; rebuild or reinstall)");
  }
  fn = reinterpret_cast<Fn>(sym);
}

SpModule open_module() {
  std::string path = find_module();
  // RTLD_LOCAL | RTLD_DEEPBIND: the module and its libsentencepiece resolve their
  // own protobuf first and never expose it to LibTorch's copy (see docs/tokenizer.md).
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (lib == nullptr) {
    const char* why = dlerror();
    throw FileError(path, std::string("cannot load tokenizer module: ") +
                              (why != nullptr ? why : "unknown dlopen error"));
  }
  SpModule m{};
  bind(lib, path, "fsp_abi_version", m.abi_version);
  if (m.abi_version() != kModuleAbiVersion) {
    throw FileError(path, "tokenizer module has ABI version " +
                              std::to_string(m.abi_version()) + ", this program needs " +
                              std::to_string(kModuleAbiVersion) + " (rebuild or reinstall)");
  }
  bind(lib, path, "fsp_load", m.load);
  bind(lib, path, "fsp_free", m.free);
  bind(lib, path, "fsp_vocab_size", m.vocab_size);
  bind(lib, path, "fsp_id_to_piece", m.id_to_piece);
  bind(lib, path, "fsp_is_byte", m.is_byte);
  bind(lib, path, "fsp_is_control", m.is_control);
  bind(lib, path, "fsp_is_unknown", m.is_unknown);
  bind(lib, path, "fsp_is_unused", m.is_unused);
  bind(lib, path, "fsp_bos_id", m.bos_id);
  bind(lib, path, "fsp_eos_id", m.eos_id);
  bind(lib, path, "fsp_unk_id", m.unk_id);
  bind(lib, path, "fsp_encode", m.encode);
  return m;  // the library stays loaded for the life of the process
}

// A failed load throws and is retried on the next call (static init semantics).
const SpModule& sp_module() {
  static const SpModule module = open_module();
  return module;
}

struct ModelDeleter {
  void operator()(fsp_model* model) const { sp_module().free(model); }
};

std::string replace_space_markers(const std::string& piece) {
  std::string out;
  for (size_t i = 0; i < piece.size();) {
    if (piece.compare(i, kSpaceMarker.size(), kSpaceMarker) == 0) {
      out += ' ';
      i += kSpaceMarker.size();
    } else {
      out += piece[i++];
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Byte pieces are spelled "<0xNN>"; returns -1 for anything else.
int parse_byte_piece(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return -1;
  int hi = hex_digit(piece[3]);
  int lo = hex_digit(piece[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

class SentencePieceTokenizer : public Tokenizer {
 public:
  SentencePieceTokenizer(const std::string& path, const std::vector<AddedToken>& added)
      : path_(path), model_(open_model(path)) {
    const SpModule& sp = sp_module();
    bos_ = sp.bos_id(model_.get());
    eos_ = sp.eos_id(model_.get());
    load_pieces();
    vocab_size_ = static_cast<int>(pieces_.size());
    for (const auto& token : added) add_token(token);
  }

  std::vector<int> encode(const std::string& text, bool add_bos) const override {
    std::vector<int> ids;
    if (add_bos && bos_ >= 0) ids.push_back(bos_);
    size_t segment = 0;
    for (size_t pos = 0; pos < text.size();) {
      const AddedToken* match = added_at(text, pos);
      if (match == nullptr) {
        ++pos;
        continue;
      }
      encode_base(std::string_view(text).substr(segment, pos - segment), ids);
      ids.push_back(match->id);
      pos += match->text.size();
      segment = pos;
    }
    encode_base(std::string_view(text).substr(segment), ids);
    return ids;
  }

  int vocab_size() const override { return vocab_size_; }
  int bos_id() const override { return bos_; }
  int eos_id() const override { return eos_; }

  int token_id(const std::string& piece) const override {
    auto it = ids_.find(piece);
    return it == ids_.end() ? -1 : it->second;
  }

  std::string piece(int id) const override {
    if (id >= 0 && id < static_cast<int>(pieces_.size())) return pieces_[id];
    return added_token(id).text;
  }

  std::string token_bytes(int prev, int id) const override {
    const std::string& bytes = surface(id);
    // SentencePiece drops the space of the first word; after BOS is where it shows.
    if (bos_ >= 0 && prev == bos_ && !bytes.empty() && bytes[0] == ' ') return bytes.substr(1);
    return bytes;
  }

 private:
  using ModelPtr = std::unique_ptr<fsp_model, ModelDeleter>;

  static ModelPtr open_model(const std::string& path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec) throw FileError(path, "cannot open tokenizer model: " + ec.message());
    if (!std::filesystem::is_regular_file(status)) {
      throw FileError(path, "tokenizer model is not a regular file");
    }
    std::array<char, 1024> err{};
    fsp_model* model = sp_module().load(path.c_str(), err.data(), err.size());
    if (model == nullptr) {
      throw FileError(path, std::string("not a valid SentencePiece model (") + err.data() + ")");
    }
    return ModelPtr(model);
  }

  // Pieces and their decoded bytes are cached so decoding never calls the module.
  void load_pieces() {
    const SpModule& sp = sp_module();
    const fsp_model* m = model_.get();
    int n = sp.vocab_size(m);
    if (n <= 0) throw FileError(path_, "tokenizer model has an empty vocabulary");
    for (int id = 0; id < n; ++id) {
      size_t len = 0;
      const char* data = sp.id_to_piece(m, id, &len);
      if (data == nullptr) throw FileError(path_, "cannot read piece " + std::to_string(id));
      pieces_.emplace_back(data, len);
      surfaces_.push_back(base_surface(id));
      ids_.emplace(pieces_.back(), id);
    }
  }

  std::string base_surface(int id) const {
    const SpModule& sp = sp_module();
    const fsp_model* m = model_.get();
    const std::string& piece = pieces_[id];
    if (sp.is_control(m, id) || sp.is_unknown(m, id) || sp.is_unused(m, id)) return "";
    if (!sp.is_byte(m, id)) return replace_space_markers(piece);
    int byte = parse_byte_piece(piece);
    if (byte < 0) {
      throw FileError(path_, "byte piece '" + piece + "' (id " + std::to_string(id) +
                                 ") is not of the form <0xNN>");
    }
    return std::string(1, static_cast<char>(byte));
  }

  void add_token(const AddedToken& token) {
    int base_size = static_cast<int>(pieces_.size());
    std::string name = "added token '" + token.text + "' (id " + std::to_string(token.id) + ")";
    if (token.text.empty()) throw ArgumentError(name + " has empty text");
    if (token.id < 0) throw ArgumentError(name + " has a negative id");
    // An id inside the base vocabulary is only accepted as a re-declaration of
    // that very piece (e.g. "</s>"), so that its text is matched in prompts.
    if (token.id < base_size && pieces_[token.id] != token.text) {
      throw ArgumentError(name + " collides with base piece '" + pieces_[token.id] +
                          "'; added ids must be >= " + std::to_string(base_size));
    }
    for (const auto& other : added_) {
      if (other.id == token.id || other.text == token.text) {
        throw ArgumentError(name + " duplicates added token '" + other.text + "' (id " +
                            std::to_string(other.id) + ")");
      }
    }
    added_.push_back(token);
    // Longest first, so the first match at a position is the longest one.
    std::stable_sort(added_.begin(), added_.end(), [](const AddedToken& a, const AddedToken& b) {
      return a.text.size() > b.text.size();
    });
    first_bytes_[static_cast<unsigned char>(token.text[0])] = true;
    ids_[token.text] = token.id;
    vocab_size_ = std::max(vocab_size_, token.id + 1);
  }

  const AddedToken* added_at(const std::string& text, size_t pos) const {
    if (!first_bytes_[static_cast<unsigned char>(text[pos])]) return nullptr;
    for (const auto& token : added_) {
      if (text.compare(pos, token.text.size(), token.text) == 0) return &token;
    }
    return nullptr;
  }

  const AddedToken& added_token(int id) const {
    for (const auto& token : added_) {
      if (token.id == id) return token;
    }
    throw ArgumentError("token id " + std::to_string(id) + " is not in the vocabulary of " +
                        path_ + " (" + std::to_string(vocab_size_) + " ids)");
  }

  const std::string& surface(int id) const {
    if (id >= 0 && id < static_cast<int>(surfaces_.size())) return surfaces_[id];
    return added_token(id).text;
  }

  void encode_base(std::string_view text, std::vector<int>& ids) const {
    if (text.empty()) return;
    const SpModule& sp = sp_module();
    // Normalization rarely expands text much; retry once with the exact size if it does.
    std::vector<int> buf(text.size() + 16);
    std::array<char, 1024> err{};
    for (int attempt = 0; attempt < 2; ++attempt) {
      long n = sp.encode(model_.get(), text.data(), text.size(), buf.data(), buf.size(),
                         err.data(), err.size());
      if (n < 0) throw Error(path_ + ": cannot encode text: " + err.data());
      if (static_cast<size_t>(n) <= buf.size()) {
        ids.insert(ids.end(), buf.begin(), buf.begin() + n);
        return;
      }
      buf.resize(static_cast<size_t>(n));
    }
    throw Error(path_ + ": tokenizer module returned inconsistent encode sizes");
  }

  std::string path_;
  ModelPtr model_;
  int bos_ = -1;
  int eos_ = -1;
  int vocab_size_ = 0;
  std::vector<std::string> pieces_;    // base vocabulary, by id
  std::vector<std::string> surfaces_;  // bytes each base piece adds to the text
  std::unordered_map<std::string, int> ids_;  // piece or added text -> id
  std::vector<AddedToken> added_;             // longest text first
  std::array<bool, 256> first_bytes_{};       // first bytes of added texts, to skip fast
};

enum class Utf8Kind { complete, invalid, incomplete };

struct Utf8Step {
  Utf8Kind kind;
  size_t length;  // bytes the step covers; an invalid step becomes one U+FFFD
};

// Classifies the sequence at s[i]. Valid ranges follow RFC 3629 (no overlongs,
// surrogates or code points above U+10FFFF); an invalid sequence covers its
// longest valid-looking prefix, as Unicode recommends for U+FFFD substitution.
Utf8Step utf8_step(std::string_view s, size_t i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {Utf8Kind::complete, 1};
  size_t need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;  // shorter encodings exist: overlong
    if (b0 == 0xED) hi = 0x9F;  // U+D800..U+DFFF are surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {Utf8Kind::invalid, 1};
  }
  for (size_t k = 1; k < need; ++k) {
    if (i + k >= s.size()) return {Utf8Kind::incomplete, k};
    auto b = static_cast<unsigned char>(s[i + k]);
    if (b < lo || b > hi) return {Utf8Kind::invalid, k};
    lo = 0x80;
    hi = 0xBF;
  }
  return {Utf8Kind::complete, need};
}

// take_complete_utf8 plus U+FFFD for a tail that can no longer be completed.
std::string finish_utf8(std::string& pending) {
  std::string out = take_complete_utf8(pending);
  if (!pending.empty()) out += kReplacementChar;
  pending.clear();
  return out;
}

}  // namespace

std::string sentencepiece_module_path() { return find_module(); }

std::unique_ptr<Tokenizer> Tokenizer::load_sentencepiece(const std::string& model_path,
                                                         const std::vector<AddedToken>& added) {
  return std::make_unique<SentencePieceTokenizer>(model_path, added);
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string bytes;
  int prev = -1;
  for (int id : ids) {
    bytes += token_bytes(prev, id);
    prev = id;
  }
  return finish_utf8(bytes);
}

std::string take_complete_utf8(std::string& pending) {
  std::string out;
  size_t i = 0;
  while (i < pending.size()) {
    Utf8Step step = utf8_step(pending, i);
    if (step.kind == Utf8Kind::incomplete) break;
    if (step.kind == Utf8Kind::complete) {
      out.append(pending, i, step.length);
    } else {
      out += kReplacementChar;
    }
    i += step.length;
  }
  pending.erase(0, i);
  return out;
}

std::string StreamDecoder::push(int id) {
  pending_ += tokenizer_.token_bytes(prev_, id);
  prev_ = id;
  return take_complete_utf8(pending_);
}

std::string StreamDecoder::flush() { return finish_utf8(pending_); }

}  // namespace flamingo

namespace flamingo {

// Training runs Debian's spm_train in a child process: inside this process the
// trainer's logging writes through a deep-bound copy of libstdc++'s streams and
// crashes (the same isolation that keeps its protobuf away from LibTorch's).
void train_sentencepiece(const std::vector<std::string>& args, const std::string& working_dir) {
  std::vector<char*> argv;
  std::string program = "spm_train";
  argv.push_back(program.data());
  std::vector<std::string> copies(args);
  for (auto& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw Error("cannot start spm_train: fork failed");
  if (pid == 0) {
    if (!working_dir.empty() && chdir(working_dir.c_str()) != 0) _exit(126);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
    throw FileError(working_dir, "cannot enter the directory to train the tokenizer in");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw Error("spm_train was not found (install Debian's sentencepiece package)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error("SentencePiece training (spm_train) failed with status " + std::to_string(status));
}

}  // namespace flamingo
