#pragma once
// Internal to core/: the five released OpenFlamingo models and the language
// models under them, as read from a Hugging Face config.json. No LibTorch here.
#include <string>
#include <vector>

namespace flamingo {

struct LanguageArch {
  std::string type;    // "mpt" or "gpt_neox" (config.json language_model.type)
  std::string layout;  // mpt only: "mosaic_gpt" (MPT-1B's MosaicGPT code) or "mpt" (MPT-7B)
  int dim = 0;
  int n_layers = 0;
  int n_heads = 0;
  int hidden_dim = 0;
  int max_seq_len = 2048;
  double norm_eps = 1e-5;
  double alibi_bias_max = 8;  // mpt
  bool qk_ln = false;         // mpt
  double rope_theta = 10000;  // gpt_neox
  double rotary_pct = 1.0;    // gpt_neox
  bool parallel_residual = false;  // gpt_neox

  // "MPT (MosaicGPT code)", "MPT", "GPT-NeoX": for messages.
  std::string describe() const;
};

struct OpenFlamingoPreset {
  std::string id;      // --preset value
  std::string name;    // the Hugging Face repository's model name
  std::string lm_repo; // the language model it needs
  LanguageArch arch;
  int cross_attn_every = 1;
  bool instruct = false;
};

const std::vector<OpenFlamingoPreset>& openflamingo_preset_table();
// Throws ArgumentError listing the presets when `id` is not one.
const OpenFlamingoPreset& find_openflamingo_preset(const std::string& id);

// Reads a Hugging Face config.json of model_type mosaic_gpt, mpt or gpt_neox;
// anything else (or an unsupported variant) is a FileError naming the file.
LanguageArch parse_language_config(const std::string& path);

}  // namespace flamingo
