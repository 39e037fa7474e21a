#include "core/openflamingo_presets.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/openflamingo_sources.h"

namespace flamingo {
namespace {

using nlohmann::json;

// Architectures from the language models' published config.json files and
// model cards: MPT-1B-RedPajama-200b (24 layers, 16 heads, width 2048, ALiBi,
// QK LayerNorm, no biases), RedPajama-INCITE-3B (GPT-NeoX: 32 layers, 32 heads,
// width 2560, intermediate 10240, rotary_pct 1.0, no parallel residual), MPT-7B
// (32 layers, 32 heads, width 4096, ALiBi, no biases). cross_attn_every_n_layers
// from OpenFlamingo's README: 1, 2 and 4.
LanguageArch mpt1b() {
  LanguageArch a;
  a.type = "mpt";
  a.layout = "mosaic_gpt";
  a.dim = 2048;
  a.n_layers = 24;
  a.n_heads = 16;
  a.hidden_dim = 8192;
  a.qk_ln = true;
  return a;
}

LanguageArch incite3b() {
  LanguageArch a;
  a.type = "gpt_neox";
  a.dim = 2560;
  a.n_layers = 32;
  a.n_heads = 32;
  a.hidden_dim = 10240;
  return a;
}

LanguageArch mpt7b() {
  LanguageArch a;
  a.type = "mpt";
  a.layout = "mpt";
  a.dim = 4096;
  a.n_layers = 32;
  a.n_heads = 32;
  a.hidden_dim = 16384;
  return a;
}

template <typename T>
T field(const json& j, const char* key, const std::string& path, T fallback, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw FileError(path, std::string("missing \"") + key + "\"");
    return fallback;
  }
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw FileError(path, std::string("\"") + key + "\" has the wrong type");
  }
}

LanguageArch parse_mosaic(const json& j, const std::string& path, bool mosaic_gpt) {
  LanguageArch a;
  a.type = "mpt";
  a.layout = mosaic_gpt ? "mosaic_gpt" : "mpt";
  a.dim = field<int>(j, "d_model", path, 0, true);
  a.n_heads = field<int>(j, "n_heads", path, 0, true);
  a.n_layers = field<int>(j, "n_layers", path, 0, true);
  a.max_seq_len = field<int>(j, "max_seq_len", path, 2048, false);
  bool alibi = true;
  if (mosaic_gpt) {
    a.hidden_dim = a.dim * field<int>(j, "mlp_ratio", path, 4, false);
    a.qk_ln = field<bool>(j, "attn_qk_ln", path, false, false);
    alibi = field<bool>(j, "alibi", path, false, false);
    a.alibi_bias_max = field<double>(j, "alibi_bias_max", path, 8, false);
  } else {
    a.hidden_dim = a.dim * field<int>(j, "expansion_ratio", path, 4, false);
    const json attn = j.value("attn_config", json::object());
    a.qk_ln = field<bool>(attn, "qk_ln", path, false, false);
    alibi = field<bool>(attn, "alibi", path, false, false);
    a.alibi_bias_max = field<double>(attn, "alibi_bias_max", path, 8, false);
  }
  if (!alibi) throw FileError(path, "an MPT without ALiBi (learned positions) is not supported");
  if (!field<bool>(j, "no_bias", path, true, false)) {
    throw FileError(path, "an MPT with biases (\"no_bias\": false) is not supported");
  }
  return a;
}

LanguageArch parse_neox(const json& j, const std::string& path) {
  LanguageArch a;
  a.type = "gpt_neox";
  a.dim = field<int>(j, "hidden_size", path, 0, true);
  a.n_layers = field<int>(j, "num_hidden_layers", path, 0, true);
  a.n_heads = field<int>(j, "num_attention_heads", path, 0, true);
  a.hidden_dim = field<int>(j, "intermediate_size", path, 0, true);
  a.max_seq_len = field<int>(j, "max_position_embeddings", path, 2048, false);
  a.norm_eps = field<double>(j, "layer_norm_eps", path, 1e-5, false);
  a.rope_theta = field<double>(j, "rotary_emb_base", path, 10000, false);
  a.rotary_pct = field<double>(j, "rotary_pct", path, 0.25, false);
  // transformers' GPTNeoXConfig defaults use_parallel_residual to true.
  a.parallel_residual = field<bool>(j, "use_parallel_residual", path, true, false);
  if (field<bool>(j, "tie_word_embeddings", path, false, false)) {
    throw FileError(path, "a GPT-NeoX with tied embeddings is not an OpenFlamingo language model");
  }
  return a;
}

}  // namespace

std::string LanguageArch::describe() const {
  if (type == "gpt_neox") return "GPT-NeoX";
  return layout == "mosaic_gpt" ? "MPT (MosaicGPT code, as MPT-1B)" : "MPT (as MPT-7B)";
}

const std::vector<OpenFlamingoPreset>& openflamingo_preset_table() {
  static const std::vector<OpenFlamingoPreset> table = {
      {"3b", "OpenFlamingo-3B-vitl-mpt1b", "anas-awadalla/mpt-1b-redpajama-200b", mpt1b(), 1, false},
      {"3b-instruct", "OpenFlamingo-3B-vitl-mpt1b-langinstruct",
       "anas-awadalla/mpt-1b-redpajama-200b-dolly", mpt1b(), 1, true},
      {"4b", "OpenFlamingo-4B-vitl-rpj3b", "togethercomputer/RedPajama-INCITE-Base-3B-v1",
       incite3b(), 2, false},
      {"4b-instruct", "OpenFlamingo-4B-vitl-rpj3b-langinstruct",
       "togethercomputer/RedPajama-INCITE-Instruct-3B-v1", incite3b(), 2, true},
      {"9b", "OpenFlamingo-9B-vitl-mpt7b", "anas-awadalla/mpt-7b", mpt7b(), 4, false},
  };
  return table;
}

const OpenFlamingoPreset& find_openflamingo_preset(const std::string& id) {
  std::string known;
  for (const OpenFlamingoPreset& p : openflamingo_preset_table()) {
    if (p.id == id) return p;
    known += (known.empty() ? "" : ", ") + p.id;
  }
  throw ArgumentError("unknown preset '" + id + "' (known: " + known + ")");
}

LanguageArch parse_language_config(const std::string& path) {
  json j;
  try {
    j = json::parse(read_text_file(path));
  } catch (const json::exception& e) {
    throw FileError(path, std::string("is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw FileError(path, "is not a JSON object");
  const std::string type = field<std::string>(j, "model_type", path, "", true);
  LanguageArch a;
  if (type == "mosaic_gpt" || type == "mpt") {
    a = parse_mosaic(j, path, type == "mosaic_gpt");
  } else if (type == "gpt_neox") {
    a = parse_neox(j, path);
  } else {
    throw FileError(path, "model_type \"" + type + "\" is not a language model of the released "
                          "OpenFlamingo models (mosaic_gpt, mpt or gpt_neox)");
  }
  if (a.dim <= 0 || a.n_heads <= 0 || a.n_layers <= 0 || a.hidden_dim <= 0 || a.dim % a.n_heads != 0) {
    throw FileError(path, "impossible sizes: width " + std::to_string(a.dim) + ", " +
                              std::to_string(a.n_heads) + " heads, " + std::to_string(a.n_layers) +
                              " layers");
  }
  return a;
}

}  // namespace flamingo
