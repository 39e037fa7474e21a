#include "core/llama2c_import.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "core/model_config.h"
#include "core/safetensors.h"
#include "core/tokenizer.h"

namespace flamingo {
namespace {

namespace fs = std::filesystem;

struct Header {
  int32_t dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, max_seq_len;
};

std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw FileError(path, "cannot be opened");
  const auto size = static_cast<size_t>(in.tellg());
  std::vector<char> bytes(size);
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw FileError(path, "could not be read");
  return bytes;
}

Header read_header(const std::vector<char>& bytes, const std::string& path) {
  Header h;
  if (bytes.size() < sizeof(Header))
    throw FileError(path, "too short for a llama2.c header (" + std::to_string(bytes.size()) +
                              " bytes)");
  std::memcpy(&h, bytes.data(), sizeof(Header));
  const int32_t v = h.vocab_size < 0 ? -h.vocab_size : h.vocab_size;
  auto bad = [&](const char* what, int32_t value, int32_t limit) {
    if (value <= 0 || value > limit)
      throw FileError(path, std::string("implausible ") + what + " " + std::to_string(value) +
                                " in the header: not a llama2.c checkpoint?");
  };
  bad("dim", h.dim, 1 << 16);
  bad("hidden_dim", h.hidden_dim, 1 << 18);
  bad("n_layers", h.n_layers, 1024);
  bad("n_heads", h.n_heads, 1024);
  bad("n_kv_heads", h.n_kv_heads, h.n_heads);
  bad("vocab_size", v, 1 << 22);
  bad("max_seq_len", h.max_seq_len, 1 << 20);
  if (h.dim % h.n_heads != 0 || h.n_heads % h.n_kv_heads != 0 || (h.dim / h.n_heads) % 2 != 0)
    throw FileError(path, "dim, n_heads and n_kv_heads in the header do not fit together");
  return h;
}

// Cuts the float32 arrays out of the file in their fixed order, checking the size.
class ArrayReader {
 public:
  ArrayReader(const std::vector<char>& bytes, const std::string& path)
      : bytes_(bytes), path_(path), pos_(sizeof(Header)) {}
  const float* take(size_t count, const char* what) {
    const size_t n = count * sizeof(float);
    if (pos_ + n > bytes_.size())
      throw FileError(path_, std::string("truncated: the file ends inside \"") + what + "\" (" +
                                 std::to_string(bytes_.size()) + " bytes)");
    const float* p = reinterpret_cast<const float*>(bytes_.data() + pos_);
    pos_ += n;
    return p;
  }
  size_t left() const { return bytes_.size() - pos_; }

 private:
  const std::vector<char>& bytes_;
  std::string path_;
  size_t pos_;
};

// The stacked [layers, ...] arrays of llama2.c become one tensor per layer.
void add_stacked(std::vector<TensorToWrite>& out, const float* base, int n_layers,
                 std::vector<int64_t> shape, const char* leaf) {
  size_t per_layer = 1;
  for (auto d : shape) per_layer *= static_cast<size_t>(d);
  for (int i = 0; i < n_layers; ++i)
    out.push_back({"model.layers." + std::to_string(i) + "." + leaf + ".weight", DType::F32, shape,
                   base + per_layer * i});
}

ModelConfig make_config(const Header& h, const Llama2cImportOptions& o, const Tokenizer& tok) {
  ModelConfig c;
  c.name = o.name.empty() ? fs::path(o.weights_path).stem().string() : o.name;
  c.dtype = "float32";
  auto& m = c.language_model;
  m.dim = h.dim;
  m.hidden_dim = h.hidden_dim;
  m.n_layers = h.n_layers;
  m.n_heads = h.n_heads;
  m.n_kv_heads = h.n_kv_heads;
  m.vocab_size = h.vocab_size < 0 ? -h.vocab_size : h.vocab_size;
  m.max_seq_len = h.max_seq_len;
  m.norm_eps = 1e-5;       // llama2.c run.c
  m.rope_theta = 10000.0;  // llama2.c run.c
  m.rope_layout = RopeLayout::kInterleaved;
  m.tie_embeddings = h.vocab_size > 0;
  c.tokenizer.file = "tokenizer.model";
  c.tokenizer.add_bos = true;
  c.special_tokens.bos = tok.bos_id();
  c.special_tokens.eos = tok.eos_id();
  return c;
}

void write_text(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw FileError(path, "could not be written (disk full?)");
  }
  fs::rename(tmp, path);
}

}  // namespace

void import_llama2c(const Llama2cImportOptions& o) {
  const auto bytes = read_file(o.weights_path);
  const Header h = read_header(bytes, o.weights_path);
  auto tok = Tokenizer::load_sentencepiece(o.tokenizer_path);
  const int64_t D = h.dim, F = h.hidden_dim, L = h.n_layers, E = D / h.n_heads;
  const int64_t KV = int64_t(h.n_kv_heads) * E, V = h.vocab_size < 0 ? -h.vocab_size : h.vocab_size;
  if (tok->vocab_size() != V)
    throw FileError(o.tokenizer_path, "has " + std::to_string(tok->vocab_size()) +
                                          " pieces but the checkpoint's vocabulary has " +
                                          std::to_string(V));
  ArrayReader r(bytes, o.weights_path);
  std::vector<TensorToWrite> t;
  const float* embed = r.take(V * D, "token_embedding");
  t.push_back({"model.embed_tokens.weight", DType::F32, {V, D}, embed});
  add_stacked(t, r.take(L * D, "rms_att"), h.n_layers, {D}, "input_layernorm");
  add_stacked(t, r.take(L * D * D, "wq"), h.n_layers, {D, D}, "self_attn.q_proj");
  add_stacked(t, r.take(L * KV * D, "wk"), h.n_layers, {KV, D}, "self_attn.k_proj");
  add_stacked(t, r.take(L * KV * D, "wv"), h.n_layers, {KV, D}, "self_attn.v_proj");
  add_stacked(t, r.take(L * D * D, "wo"), h.n_layers, {D, D}, "self_attn.o_proj");
  add_stacked(t, r.take(L * D, "rms_ffn"), h.n_layers, {D}, "post_attention_layernorm");
  add_stacked(t, r.take(L * F * D, "w1"), h.n_layers, {F, D}, "mlp.gate_proj");
  add_stacked(t, r.take(L * D * F, "w2"), h.n_layers, {D, F}, "mlp.down_proj");
  add_stacked(t, r.take(L * F * D, "w3"), h.n_layers, {F, D}, "mlp.up_proj");
  t.push_back({"model.norm.weight", DType::F32, {D}, r.take(D, "rms_final")});
  r.take(int64_t(h.max_seq_len) * E, "freq_cis (unused)");  // recomputed at load
  if (h.vocab_size < 0) t.push_back({"lm_head.weight", DType::F32, {V, D}, r.take(V * D, "wcls")});
  if (r.left() != 0)
    throw FileError(o.weights_path, std::to_string(r.left()) +
                                        " bytes left over after the last array: the header does "
                                        "not describe this file");

  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) throw FileError(o.out_dir, "cannot create the directory: " + ec.message());
  write_safetensors(o.out_dir + "/model.safetensors", t, {{"format", "pt"}, {"source", "llama2.c"}});
  fs::copy_file(o.tokenizer_path, o.out_dir + "/tokenizer.model",
                fs::copy_options::overwrite_existing, ec);
  if (ec) throw FileError(o.out_dir + "/tokenizer.model", "cannot be written: " + ec.message());
  write_text(o.out_dir + "/config.json", make_config(h, o, *tok).to_json());
}

}  // namespace flamingo
