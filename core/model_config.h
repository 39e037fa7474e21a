#pragma once
// The blueprint of a model, read from the model directory's config.json
// (docs/model-format.md). One struct handed whole, by const reference, to every
// module that needs it. No LibTorch here.
#include <map>
#include <string>
#include <vector>

#include "core/media.h"
#include "core/tokenizer.h"

namespace flamingo {

enum class RopeLayout {
  kInterleaved,  // rotates pairs (2i, 2i+1): Meta's and llama2.c's checkpoints
  kHalf,         // rotates (i, i + d/2): Hugging Face's checkpoints
};

struct LanguageModelConfig {
  std::string type = "llama";
  int dim = 0;
  int n_layers = 0;
  int n_heads = 0;
  int n_kv_heads = 0;
  int hidden_dim = 0;
  int vocab_size = 0;
  int max_seq_len = 0;
  double norm_eps = 1e-5;
  double rope_theta = 10000.0;
  RopeLayout rope_layout = RopeLayout::kInterleaved;
  bool tie_embeddings = true;

  // type "mpt" (MosaicML's MPT; no biases, ALiBi, exact GELU): "mosaic_gpt" names
  // the weights as the older MosaicGPT code of MPT-1B does, "mpt" as MPT-7B's.
  std::string mpt_layout = "mosaic_gpt";
  double alibi_bias_max = 8;
  bool qk_ln = false;  // LayerNorms (weight only) on the full-width queries and keys

  // type "gpt_neox": the fraction of each head rotated (half layout), and
  // x + attn(ln1(x)) + mlp(ln2(x)) rather than two residual steps.
  double rotary_pct = 1.0;
  bool parallel_residual = true;

  int head_dim() const { return dim / n_heads; }
  int rotary_dims() const { return static_cast<int>(head_dim() * rotary_pct); }  // as GPT-NeoX truncates
};

// A ViT as open_clip names it (Dosovitskiy et al., 2021; Radford et al., 2021).
struct VisionEncoderConfig {
  int image_size = 224;
  int patch_size = 14;
  int width = 0;
  int layers = 0;
  int heads = 0;
  int mlp_dim = 0;                         // 4 * width in CLIP
  std::string activation = "quick_gelu";  // OpenAI's CLIP weights; "gelu" otherwise
  bool use_ln_post = false;  // OpenFlamingo's released models read the tokens without it
  double norm_eps = 1e-5;

  int grid() const { return image_size / patch_size; }
  int num_patches() const { return grid() * grid(); }
};

// Flamingo's Perceiver Resampler (Alayrac et al., 2022, section 2.1); defaults
// are OpenFlamingo's.
struct PerceiverConfig {
  int depth = 6;
  int heads = 8;
  int dim_head = 64;
  int num_latents = 64;
  int max_frames = 0;  // > 0: learned per-frame time embeddings (perceiver.frame_embs)
  int ff_mult = 4;
  // > 0: learned per-patch position embeddings (perceiver.patch_embs), one per
  // patch of a frame. Not in the paper: its resampler sees a frame's patches as
  // a set and trusts the encoder to keep where each one is (docs/training.md).
  int patch_positions = 0;
  // true: the gated layers read each frame's patches too, after the resampler's final
  // LayerNorm, besides its latents. Not in the paper: the eleventh run's probe
  // (docs/training.md) finds one head reads an object's attributes from the patches,
  // not from the latents, where they are spread over several; the bundled model uses it.
  bool pass_patches = false;
};

// GATED XATTN-DENSE blocks, one before decoder layer i when (i + 1) % every == 0,
// as OpenFlamingo places them.
struct CrossAttentionConfig {
  int every = 1;
  int heads = 8;
  int dim_head = 64;
  int ff_mult = 4;

  bool before_layer(int i) const { return (i + 1) % every == 0; }
};

struct TokenizerConfig {
  std::string type = "sentencepiece";
  std::string file = "tokenizer.model";
  bool add_bos = true;
  std::vector<AddedToken> added_tokens;
};

struct SpecialTokens {
  int bos = -1;
  int eos = -1;
  int image = -1;         // <image>
  int end_of_chunk = -1;  // <|endofchunk|>
  int pad = -1;
};

struct ModelConfig {
  int format_version = 1;
  std::string name;
  std::string dtype = "float32";  // of the stored weights
  LanguageModelConfig language_model;
  TokenizerConfig tokenizer;
  SpecialTokens special_tokens;
  std::map<std::string, std::string> prompt_templates;

  // The vision side; absent for a plain language model.
  bool has_vision = false;
  VisionEncoderConfig vision_encoder;
  PerceiverConfig perceiver;
  CrossAttentionConfig cross_attention;
  Preprocessing preprocessing;

  // Reads and validates `dir`/config.json; every problem is a FileError that
  // names the file and the key.
  static ModelConfig load(const std::string& dir);
  static ModelConfig parse(const std::string& json_text, const std::string& file_name);
  std::string to_json() const;
};

}  // namespace flamingo
