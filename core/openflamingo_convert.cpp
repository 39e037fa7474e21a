#include "core/openflamingo_convert.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/error.h"
#include "core/openflamingo_plan.h"

namespace flamingo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The tokens OpenFlamingo's factory.py appends to the language model's
// tokenizer, in its order: <|endofchunk|> and <image> as additional special
// tokens, then <PAD> because the GPT-NeoX tokenizer has no pad token.
const char* const kAddedTokens[] = {"<|endofchunk|>", "<image>", "<PAD>"};

struct TokenIds {
  int eos = -1;
  std::vector<std::pair<std::string, int>> added;  // in kAddedTokens order
  std::string tokenizer_json;                       // to write beside the model
};

// The ids of tokenizer.json (Hugging Face tokenizers format). OpenFlamingo's
// three tokens take the last three rows of the checkpoint's embedding, as
// add_special_tokens placed them after GPT-NeoX-20B's 50277 tokens. Added
// tokens of the file that claim those ids (a tokenizer.json extended by
// someone else) are dropped from the copy, with a warning, so that one id
// never means two tokens.
TokenIds read_tokenizer(const std::string& path, int vocab_size, ConversionPlan& plan) {
  json j;
  try {
    j = json::parse(read_text_file(path));
  } catch (const json::exception& e) {
    throw FileError(path, std::string("is not valid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("model") || !j["model"].is_object() ||
      j["model"].value("type", "") != "BPE" || !j["model"].contains("vocab") || !j["model"]["vocab"].is_object()) {
    throw FileError(path, "is not a Hugging Face BPE tokenizer.json (no model.type \"BPE\" with a vocab)");
  }
  const int base = vocab_size - static_cast<int>(std::size(kAddedTokens));
  TokenIds out;
  for (size_t i = 0; i < std::size(kAddedTokens); ++i) out.added.emplace_back(kAddedTokens[i], base + static_cast<int>(i));
  int next = 0;
  for (const auto& [text, id] : j["model"]["vocab"].items()) {
    if (id.is_number_integer()) next = std::max(next, id.get<int>() + 1);
  }
  json kept = json::array();
  std::string dropped;
  for (const auto& t : j.value("added_tokens", json::array())) {
    if (!t.is_object() || !t.contains("content") || !t.contains("id") || !t["id"].is_number_integer()) continue;
    const int id = t["id"].get<int>();
    const std::string text = t["content"].get<std::string>();
    if (text == "<|endoftext|>") out.eos = id;
    const bool ours = id >= base && id < vocab_size && text == kAddedTokens[id - base];
    if (id >= base && !ours) {
      dropped += (dropped.empty() ? "" : ", ") + std::to_string(id) + " '" + text + "'";
      continue;
    }
    if (!ours) next = std::max(next, id + 1);
    kept.push_back(t);
  }
  if (!dropped.empty()) {
    j["added_tokens"] = kept;
    plan.warnings.push_back(path + ": added tokens not in GPT-NeoX-20B's release dropped, their ids belong to "
                            "OpenFlamingo's <|endofchunk|>, <image> and <PAD>: " + dropped);
  }
  if (out.eos < 0) plan.problems.push_back(path + ": no <|endoftext|> token (not the GPT-NeoX tokenizer?)");
  if (vocab_size > 0 && next != base) {
    plan.problems.push_back(path + ": has " + std::to_string(next) + " tokens, but the checkpoint's " +
                            std::to_string(vocab_size) + "-row embedding leaves " + std::to_string(base) +
                            " for it after OpenFlamingo's 3 added tokens (not GPT-NeoX-20B's tokenizer?)");
  }
  out.tokenizer_json = dropped.empty() ? read_text_file(path) : j.dump(2) + "\n";
  return out;
}

json language_model_json(const ConversionPlan& p) {
  const LanguageArch& a = p.arch;
  json lm = {{"type", a.type}, {"dim", a.dim}, {"n_layers", a.n_layers}, {"n_heads", a.n_heads},
             {"n_kv_heads", a.n_heads}, {"hidden_dim", a.hidden_dim}, {"vocab_size", p.vocab_size},
             {"max_seq_len", a.max_seq_len}, {"norm_eps", a.norm_eps}};
  if (a.type == "mpt") {
    lm.update({{"mpt_layout", a.layout}, {"alibi_bias_max", a.alibi_bias_max}, {"qk_ln", a.qk_ln},
               {"tie_embeddings", true}});
  } else {
    lm.update({{"rope_theta", a.rope_theta}, {"rotary_pct", a.rotary_pct},
               {"parallel_residual", a.parallel_residual}, {"tie_embeddings", false}});
  }
  return lm;
}

json make_config(const OpenFlamingoConvertOptions& o, const OpenFlamingoPreset* preset,
                 const ConversionPlan& p, const TokenIds& tok) {
  json added = json::array();
  for (const auto& [text, id] : tok.added) added.push_back({{"text", text}, {"id", id}});
  // Prompts of OpenFlamingo's evaluation (open_flamingo/eval: "<image>Output:"
  // for captions, "Question: ... Short answer:" for VQA).
  json templates = {{"caption", "<image>Output:"}, {"vqa", "<image>Question: {question} Short answer:"}};
  // How the app writes a chat message (core/chat_template.h): the base models
  // answer best in the VQA form they were evaluated with.
  templates["chat"] = templates["vqa"];
  if (preset != nullptr && preset->instruct) {
    // A documented guess (docs/openflamingo.md): RedPajama-INCITE-Instruct's "Q: ...\nA:" format.
    templates["chat"] = "<image>Q: {question}\nA:";
  }
  std::string name = o.name;
  if (name.empty()) name = preset ? preset->name : "openflamingo-" + p.arch.type;
  return {
      {"format_version", 1},
      {"name", name},
      {"dtype", o.dtype},
      {"language_model", language_model_json(p)},
      {"tokenizer", {{"type", "bpe"}, {"file", "tokenizer.json"}, {"add_bos", false}, {"added_tokens", added}}},
      {"special_tokens", {{"bos", -1}, {"eos", tok.eos}, {"image", tok.added[1].second},
                          {"end_of_chunk", tok.added[0].second}, {"pad", tok.added[2].second}}},
      {"prompt_templates", templates},
      {"vision_encoder", {{"image_size", p.image_size}, {"patch_size", p.patch_size}, {"width", p.vision_width},
                          {"layers", p.vision_layers}, {"heads", p.vision_width / 64}, {"mlp_dim", p.vision_mlp},
                          {"activation", "quick_gelu"}, {"use_ln_post", false}, {"norm_eps", 1e-5}}},
      {"perceiver", {{"depth", p.perceiver_depth}, {"heads", p.perceiver_heads}, {"dim_head", 64},
                     {"num_latents", p.num_latents}, {"max_frames", p.max_frames}, {"ff_mult", p.perceiver_ff_mult}}},
      {"cross_attention", {{"every", p.cross_attn_every}, {"heads", p.xattn_heads}, {"dim_head", 64},
                           {"ff_mult", p.xattn_ff_mult}}},
      {"preprocessing", {{"image_size", p.image_size}, {"mean", {0.48145466, 0.4578275, 0.40821073}},
                         {"std", {0.26862954, 0.26130258, 0.27577711}}, {"resize", "bicubic"},
                         {"max_megapixels", 100}, {"video_fps", 1.0}, {"max_frames", 8}}},
  };
}

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw FileError(path, "cannot be written (disk full or no permission?)");
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) throw FileError(path, "cannot be renamed into place: " + ec.message());
}

LanguageArch resolve_arch(const OpenFlamingoConvertOptions& o, const OpenFlamingoPreset* preset) {
  std::string config;
  if (!find_language_config(o.language_model, &config)) {
    if (preset == nullptr) {
      throw FileError(o.language_model, "no config.json beside the weights; name the model with --preset");
    }
    return preset->arch;
  }
  LanguageArch arch = parse_language_config(config);
  if (preset != nullptr && (arch.type != preset->arch.type || arch.layout != preset->arch.layout)) {
    throw FileError(config, "describes a " + arch.describe() + " language model, but --preset " + preset->id +
                                " needs " + preset->arch.describe() + " (" + preset->lm_repo + ")");
  }
  return arch;
}

void check_options(const OpenFlamingoConvertOptions& o) {
  if (o.checkpoint.empty() || o.language_model.empty() || o.clip.empty() || o.tokenizer.empty() || o.out_dir.empty()) {
    throw ArgumentError("convert-openflamingo needs --checkpoint, --language-model, --clip, --tokenizer and --out");
  }
  if (o.dtype != "bfloat16" && o.dtype != "float32") {
    throw ArgumentError("--dtype must be bfloat16 or float32, got '" + o.dtype + "'");
  }
}

}  // namespace

std::vector<std::string> openflamingo_presets() {
  std::vector<std::string> ids;
  for (const OpenFlamingoPreset& p : openflamingo_preset_table()) ids.push_back(p.id);
  return ids;
}

void convert_openflamingo(const OpenFlamingoConvertOptions& o, std::ostream& log) {
  check_options(o);
  const OpenFlamingoPreset* preset = o.preset.empty() ? nullptr : &find_openflamingo_preset(o.preset);
  ConvertInputs in;
  in.checkpoint_path = o.checkpoint;
  in.language_model_path = o.language_model;
  in.clip_path = o.clip;
  log << "reading " << o.checkpoint << "\n";
  in.checkpoint.add_file(o.checkpoint);
  log << "reading " << o.language_model << "\n";
  in.language_model.add_path(o.language_model);
  log << "reading " << o.clip << "\n";
  in.clip.add_file(o.clip);

  ConversionPlan plan;
  plan.arch = resolve_arch(o, preset);
  plan_conversion(in, preset, plan);
  const TokenIds tokens = read_tokenizer(o.tokenizer, plan.vocab_size, plan);
  if (!plan.problems.empty()) {
    std::string text = "not converted: " + std::to_string(plan.problems.size()) + " problem(s) with the inputs:";
    for (const std::string& problem : plan.problems) text += "\n  - " + problem;
    throw FileError(o.out_dir, text);
  }
  for (const std::string& w : plan.warnings) log << "warning: " << w << "\n";

  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) throw FileError(o.out_dir, "cannot create the directory: " + ec.message());
  const fs::path out(o.out_dir);
  log << "writing " << plan.tensors.size() << " tensors as " << o.dtype << " to "
      << (out / "model.safetensors").string() << "\n";
  write_converted_safetensors((out / "model.safetensors").string(), plan.tensors,
                              o.dtype == "float32" ? DType::F32 : DType::BF16, log);
  write_text_atomically((out / "tokenizer.json").string(), tokens.tokenizer_json);
  write_text_atomically((out / "config.json").string(), make_config(o, preset, plan, tokens).dump(2) + "\n");
  log << "done: " << o.out_dir << "\n";
}

}  // namespace flamingo
