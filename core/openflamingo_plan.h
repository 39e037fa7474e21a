#pragma once
// Internal to core/: the plan of an OpenFlamingo conversion, every output
// tensor matched to its source with its shape checked, and the facts the
// config.json is made of. Built before a byte is written, so that every
// problem can be reported at once. No LibTorch here.
#include <set>
#include <string>
#include <vector>

#include "core/openflamingo_presets.h"
#include "core/openflamingo_write.h"

namespace flamingo {

struct ConvertInputs {
  TensorSources checkpoint, language_model, clip;
  std::string checkpoint_path, language_model_path, clip_path;
};

struct ConversionPlan {
  LanguageArch arch;
  int vocab_size = 0;
  int cross_attn_every = 0;
  int xattn_heads = 8, xattn_ff_mult = 4;  // dim_head is 64, as OpenFlamingo's
  int vision_width = 0, vision_layers = 0, patch_size = 0, image_size = 0, vision_mlp = 0;
  int perceiver_depth = 0, perceiver_heads = 8, num_latents = 0, max_frames = 0, perceiver_ff_mult = 4;
  std::vector<OutputTensor> tensors;
  std::vector<std::string> problems;  // each names its file
  std::vector<std::string> warnings;
};

// `preset` may be null. Fills `plan.problems` instead of throwing for anything
// wrong with the tensors, so that all of them can be listed together.
void plan_conversion(const ConvertInputs& in, const OpenFlamingoPreset* preset, ConversionPlan& plan);

// Reads the language model's config.json next to `language_model_path`, or
// returns false when there is none.
bool find_language_config(const std::string& language_model_path, std::string* config_path);

}  // namespace flamingo
