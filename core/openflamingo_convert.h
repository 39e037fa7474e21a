#pragma once
// Conversion of a released OpenFlamingo model (Awadalla et al., 2023) into a
// model directory (docs/model-format.md, docs/openflamingo.md): the
// checkpoint.pt of the resampler, the gated blocks and the new embeddings, the
// language model's published weights (MPT-1B MosaicGPT, MPT-7B, or GPT-NeoX /
// RedPajama-INCITE-3B), OpenAI's CLIP ViT-L/14 and the GPT-NeoX tokenizer.json.
// The inputs are memory-mapped and the output is streamed tensor by tensor, so
// memory stays far below the size of the model. No LibTorch here.
#include <iosfwd>
#include <string>
#include <vector>

namespace flamingo {

struct OpenFlamingoConvertOptions {
  std::string checkpoint;      // OpenFlamingo's checkpoint.pt
  std::string language_model;  // a directory (config.json + weights) or a weights file
  std::string clip;            // OpenAI's TorchScript ViT-L-14.pt or an open_clip state dict
  std::string tokenizer;       // tokenizer.json (GPT-NeoX-20B)
  std::string out_dir;
  std::string preset;          // "", 3b, 3b-instruct, 4b, 4b-instruct, 9b
  std::string dtype = "bfloat16";  // or float32
  std::string name;            // default: the preset's model name
};

// The presets `--preset` accepts, in order.
std::vector<std::string> openflamingo_presets();

// Writes out_dir/{config.json, model.safetensors, tokenizer.json}. Checks every
// expected tensor and shape first and throws one FileError listing every
// problem; progress goes to `log`.
void convert_openflamingo(const OpenFlamingoConvertOptions& options, std::ostream& log);

}  // namespace flamingo
