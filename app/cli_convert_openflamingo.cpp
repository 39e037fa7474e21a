// `flamingo convert-openflamingo` (docs/openflamingo.md).
#include "app/cli_convert_openflamingo.h"

#include <iostream>

void add_convert_openflamingo_command(CLI::App& app, flamingo::OpenFlamingoConvertOptions& o,
                                      int& which, int id) {
  auto* cmd = app.add_subcommand("convert-openflamingo",
                                 "Convert a released OpenFlamingo model into a model directory");
  cmd->add_option("--checkpoint", o.checkpoint, "OpenFlamingo's checkpoint.pt")->required();
  cmd->add_option("--language-model", o.language_model,
                  "The language model: its directory (config.json + weights) or weights file")
      ->required();
  cmd->add_option("--clip", o.clip, "CLIP ViT-L/14: OpenAI's ViT-L-14.pt or an open_clip state dict")
      ->required();
  cmd->add_option("--tokenizer", o.tokenizer, "tokenizer.json of GPT-NeoX-20B")->required();
  cmd->add_option("--out", o.out_dir, "Model directory to write")->required();
  cmd->add_option("--preset", o.preset, "Which model: checks the inputs against it")
      ->check(CLI::IsMember(flamingo::openflamingo_presets()));
  cmd->add_option("--dtype", o.dtype, "Stored dtype")->check(CLI::IsMember({"bfloat16", "float32"}));
  cmd->add_option("--name", o.name, "Model name (default: the preset's)");
  cmd->callback([&which, id] { which = id; });
}

int run_convert_openflamingo(const flamingo::OpenFlamingoConvertOptions& o) {
  try {
    flamingo::convert_openflamingo(o, std::cerr);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "flamingo: error: " << e.what() << "\n";
    return 1;
  }
}
