#include "core/openflamingo_plan.h"

#include <cmath>
#include <filesystem>
#include <map>

namespace flamingo {
namespace {

namespace fs = std::filesystem;
using Shape = std::vector<int64_t>;

// OpenFlamingo's attention heads are 64 wide (helpers.py: dim_head=64), and so
// are CLIP's ViT heads (open_clip: head_width 64).
constexpr int64_t kHeadWidth = 64;

std::string shape_text(const Shape& s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
bool is_float(DType d) { return d == DType::F32 || d == DType::F16 || d == DType::BF16 || d == DType::F64; }

// The indices i of names "<prefix>i<suffix>".
std::set<int> indices(const TensorSources& src, const std::string& prefix, const std::string& suffix) {
  std::set<int> found;
  for (const auto& [name, t] : src.all()) {
    if (!starts_with(name, prefix) || !ends_with(name, suffix)) continue;
    const std::string mid = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (!mid.empty() && mid.size() < 6 && mid.find_first_not_of("0123456789") == std::string::npos) {
      found.insert(std::stoi(mid));
    }
  }
  return found;
}

class Planner {
 public:
  Planner(const ConvertInputs& in, ConversionPlan& plan) : in_(in), plan_(plan) {}

  // Plans `name` of `src` as `out`, checking its shape. With `rows`, dim 0 may
  // be longer and is cut to `rows` (the LM's 50432-row head to OpenFlamingo's vocabulary).
  const SourceTensor* take(const TensorSources& src, const std::string& label, const std::string& name,
                           const std::string& out, const Shape& shape, int64_t rows = -1) {
    used_[&src].insert(name);
    const SourceTensor* t = src.find(name);
    if (t == nullptr) {
      problem(label + ": missing tensor '" + name + "' (expected " + shape_text(shape) + ")");
      return nullptr;
    }
    Shape want = shape;
    if (rows >= 0 && !t->shape.empty() && t->shape[0] >= rows) want[0] = t->shape[0];
    if (t->shape != want) {
      problem(t->file + ": tensor '" + name + "' has shape " + shape_text(t->shape) + ", expected " +
              shape_text(shape));
      return nullptr;
    }
    if (!is_float(t->dtype)) {
      problem(t->file + ": tensor '" + name + "' is " + dtype_name(t->dtype) + ", not floating point");
      return nullptr;
    }
    plan_.tensors.push_back(OutputTensor{out, t, shape});
    return t;
  }
  // The first dimension of a tensor that sizes the others, or 0 (with a problem).
  int64_t size_of(const TensorSources& src, const std::string& label, const std::string& name, size_t dim) {
    used_[&src].insert(name);
    const SourceTensor* t = src.find(name);
    if (t != nullptr && t->shape.size() > dim) return t->shape[dim];
    problem(label + ": missing tensor '" + name + "'" + (t ? " (or it has too few dimensions)" : ""));
    return 0;
  }
  void problem(const std::string& text) { plan_.problems.push_back(text); }
  bool used(const TensorSources& src, const std::string& name) { return used_[&src].count(name) > 0; }

  void vision();
  void perceiver();
  void cross_attention(const std::string& layers_prefix);
  void mpt();
  void neox();
  void extras();

 private:
  const ConvertInputs& in_;
  ConversionPlan& plan_;
  std::map<const TensorSources*, std::set<std::string>> used_;
  std::string perceiver_prefix_;
};

void Planner::vision() {
  const auto& c = in_.clip;
  const std::string& L = in_.clip_path;
  const int64_t w = size_of(c, L, "visual.class_embedding", 0);
  const int64_t p = size_of(c, L, "visual.conv1.weight", 2);
  const int64_t tokens = size_of(c, L, "visual.positional_embedding", 0);
  const auto blocks = indices(c, "visual.transformer.resblocks.", ".attn.in_proj_weight");
  const int64_t m = size_of(c, L, "visual.transformer.resblocks.0.mlp.c_fc.weight", 0);
  const auto grid = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(tokens - 1))));
  if (w == 0 || p == 0 || m == 0 || blocks.empty()) return;
  if (grid * grid + 1 != tokens) problem(L + ": visual.positional_embedding has " + std::to_string(tokens) + " rows, not 1 + a square");
  if (w % kHeadWidth != 0) problem(L + ": the ViT width " + std::to_string(w) + " is not a multiple of 64");
  plan_.vision_width = static_cast<int>(w);
  plan_.patch_size = static_cast<int>(p);
  plan_.image_size = static_cast<int>(grid * p);
  plan_.vision_layers = static_cast<int>(blocks.size());
  plan_.vision_mlp = static_cast<int>(m);
  auto v = [&](const std::string& n, const Shape& s) { take(c, L, "visual." + n, "vision_encoder." + n, s); };
  v("conv1.weight", {w, 3, p, p});
  v("class_embedding", {w});
  v("positional_embedding", {tokens, w});
  for (const char* n : {"ln_pre.weight", "ln_pre.bias"}) v(n, {w});
  for (size_t j = 0; j < blocks.size(); ++j) {
    const std::string b = "transformer.resblocks." + std::to_string(j) + ".";
    for (const char* n : {"ln_1.weight", "ln_1.bias", "ln_2.weight", "ln_2.bias", "attn.out_proj.bias", "mlp.c_proj.bias"}) v(b + n, {w});
    v(b + "attn.in_proj_weight", {3 * w, w});
    v(b + "attn.in_proj_bias", {3 * w});
    v(b + "attn.out_proj.weight", {w, w});
    v(b + "mlp.c_fc.weight", {m, w});
    v(b + "mlp.c_fc.bias", {m});
    v(b + "mlp.c_proj.weight", {w, m});
  }
}

void Planner::perceiver() {
  const auto& k = in_.checkpoint;
  const std::string& L = in_.checkpoint_path;
  perceiver_prefix_ = k.find("vision_encoder.perceiver.latents") ? "vision_encoder.perceiver." : "perceiver.";
  const std::string P = perceiver_prefix_;
  const int64_t n = size_of(k, L, P + "latents", 0);
  const int64_t w = plan_.vision_width;
  const auto layers = indices(k, P + "layers.", ".0.to_q.weight");
  if (n == 0 || w == 0 || layers.empty()) return;
  const int64_t inner = size_of(k, L, P + "layers.0.0.to_q.weight", 0);
  const int64_t ff = size_of(k, L, P + "layers.0.1.1.weight", 0);
  plan_.num_latents = static_cast<int>(n);
  plan_.perceiver_depth = static_cast<int>(layers.size());
  plan_.perceiver_heads = static_cast<int>(inner / kHeadWidth);
  plan_.perceiver_ff_mult = static_cast<int>(ff / w);
  if (inner % kHeadWidth != 0 || ff % w != 0) problem(L + ": resampler sizes are not multiples of 64 heads or of the width");
  auto t = [&](const std::string& name, const Shape& s) { take(k, L, P + name, "perceiver." + name, s); };
  t("latents", {n, w});
  if (const SourceTensor* frames = k.find(P + "frame_embs")) {
    plan_.max_frames = frames->shape.empty() ? 0 : static_cast<int>(frames->shape[0]);
    t("frame_embs", {plan_.max_frames, w});
  }
  if (k.find(P + "media_time_embs")) problem(L + ": '" + P + "media_time_embs' (per-image time embeddings) is not supported");
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string b = "layers." + std::to_string(i) + ".";
    for (const char* x : {"0.norm_media.weight", "0.norm_media.bias", "0.norm_latents.weight",
                          "0.norm_latents.bias", "1.0.weight", "1.0.bias"}) t(b + x, {w});
    t(b + "0.to_q.weight", {inner, w});
    t(b + "0.to_kv.weight", {2 * inner, w});
    t(b + "0.to_out.weight", {w, inner});
    t(b + "1.1.weight", {ff, w});
    t(b + "1.3.weight", {w, ff});
  }
  t("norm.weight", {w});
  t("norm.bias", {w});
}

void Planner::cross_attention(const std::string& layers_prefix) {
  const auto& k = in_.checkpoint;
  const std::string& L = in_.checkpoint_path;
  const std::string suffix = ".gated_cross_attn_layer.attn_gate";
  const auto have = indices(k, layers_prefix, suffix);
  if (have.empty()) {
    problem(L + ": no gated cross-attention blocks ('" + layers_prefix + "{i}" + suffix + "')");
    return;
  }
  const int every = *have.begin() + 1;
  plan_.cross_attn_every = every;
  const int64_t d = plan_.arch.dim, w = plan_.vision_width;
  const std::string first = layers_prefix + std::to_string(every - 1) + ".gated_cross_attn_layer.";
  const int64_t inner = size_of(k, L, first + "attn.to_q.weight", 0);
  const int64_t ff = size_of(k, L, first + "ff.1.weight", 0);
  plan_.xattn_heads = static_cast<int>(inner / kHeadWidth);
  plan_.xattn_ff_mult = d > 0 ? static_cast<int>(ff / d) : 0;
  for (int i = 0; i < plan_.arch.n_layers; ++i) {
    const bool expected = (i + 1) % every == 0;
    if (!expected) {
      if (have.count(i)) problem(L + ": a gated block at decoder layer " + std::to_string(i) + " breaks the every-" + std::to_string(every) + " pattern");
      continue;
    }
    const std::string in = layers_prefix + std::to_string(i) + ".gated_cross_attn_layer.";
    const std::string out = "model.layers." + std::to_string(i) + ".gated_cross_attn_layer.";
    auto t = [&](const std::string& n, const Shape& s) { take(k, L, in + n, out + n, s); };
    t("attn_gate", {1});
    t("ff_gate", {1});
    for (const char* n : {"attn.norm.weight", "attn.norm.bias", "ff.0.weight", "ff.0.bias"}) t(n, {d});
    t("attn.to_q.weight", {inner, d});
    t("attn.to_kv.weight", {2 * inner, w});
    t("attn.to_out.weight", {d, inner});
    t("ff.1.weight", {ff, d});
    t("ff.3.weight", {d, ff});
  }
  for (int i : have) {
    if (i >= plan_.arch.n_layers) problem(L + ": a gated block at decoder layer " + std::to_string(i) + " but the language model has " + std::to_string(plan_.arch.n_layers) + " layers");
  }
}

void Planner::mpt() {
  const auto& k = in_.checkpoint;
  const auto& lm = in_.language_model;
  const std::string& K = in_.checkpoint_path;
  const std::string& L = in_.language_model_path;
  const LanguageArch& a = plan_.arch;
  const int64_t v = plan_.vocab_size, d = a.dim, f = a.hidden_dim;
  const bool mosaic = a.layout == "mosaic_gpt";
  take(k, K, "lang_encoder.transformer.wte.weight", "transformer.wte.weight", {v, d});
  if (lm.find("transformer.wte.weight")) used_[&lm].insert("transformer.wte.weight");  // replaced by the checkpoint's
  for (int i = 0; i < a.n_layers; ++i) {
    const std::string b = "transformer.blocks." + std::to_string(i) + ".";
    auto t = [&](const std::string& n, const Shape& s) { take(lm, L, b + n, b + n, s); };
    t(mosaic ? "ln_1.weight" : "norm_1.weight", {d});
    t("attn.Wqkv.weight", {3 * d, d});
    if (a.qk_ln) {
      t("attn.q_ln.weight", {d});
      t("attn.k_ln.weight", {d});
    }
    t("attn.out_proj.weight", {d, d});
    t(mosaic ? "ln_2.weight" : "norm_2.weight", {d});
    t(mosaic ? "mlp.mlp_up.weight" : "ffn.up_proj.weight", {f, d});
    t(mosaic ? "mlp.mlp_down.weight" : "ffn.down_proj.weight", {d, f});
  }
  const std::string final_norm = mosaic ? "transformer.ln_f.weight" : "transformer.norm_f.weight";
  take(lm, L, final_norm, final_norm, {d});
}

void Planner::neox() {
  const auto& k = in_.checkpoint;
  const auto& lm = in_.language_model;
  const std::string& K = in_.checkpoint_path;
  const std::string& L = in_.language_model_path;
  const LanguageArch& a = plan_.arch;
  const int64_t v = plan_.vocab_size, d = a.dim, f = a.hidden_dim;
  take(k, K, "lang_encoder.gpt_neox.embed_in.weight", "gpt_neox.embed_in.weight", {v, d});
  if (lm.find("gpt_neox.embed_in.weight")) used_[&lm].insert("gpt_neox.embed_in.weight");
  if (k.find("lang_encoder.embed_out.weight")) {
    take(k, K, "lang_encoder.embed_out.weight", "embed_out.weight", {v, d});
    if (lm.find("embed_out.weight")) used_[&lm].insert("embed_out.weight");
  } else {
    // OpenFlamingo's resize_token_embeddings keeps the first rows of a longer head.
    take(lm, L, "embed_out.weight", "embed_out.weight", {v, d}, v);
    plan_.warnings.push_back("embed_out.weight: not in the checkpoint; the language model's first " +
                             std::to_string(v) + " rows are used, as OpenFlamingo's resize does");
  }
  for (int i = 0; i < a.n_layers; ++i) {
    const std::string b = "gpt_neox.layers." + std::to_string(i) + ".";
    auto t = [&](const std::string& n, const Shape& s) { take(lm, L, b + n, b + n, s); };
    for (const char* n : {"input_layernorm.weight", "input_layernorm.bias", "post_attention_layernorm.weight",
                          "post_attention_layernorm.bias", "attention.dense.bias", "mlp.dense_4h_to_h.bias"}) t(n, {d});
    t("attention.query_key_value.weight", {3 * d, d});
    t("attention.query_key_value.bias", {3 * d});
    t("attention.dense.weight", {d, d});
    t("mlp.dense_h_to_4h.weight", {f, d});
    t("mlp.dense_h_to_4h.bias", {f});
    t("mlp.dense_4h_to_h.weight", {d, f});
  }
  take(lm, L, "gpt_neox.final_layer_norm.weight", "gpt_neox.final_layer_norm.weight", {d});
  take(lm, L, "gpt_neox.final_layer_norm.bias", "gpt_neox.final_layer_norm.bias", {d});
}

// Buffers and frozen copies that the released files carry and a converted
// model does not need: causal masks, rotary frequencies, OpenFlamingo's second
// references to the decoder layers and gated blocks, the CLIP text tower.
bool ignorable(const std::string& n, const SourceTensor& t) {
  if (!is_float(t.dtype)) return true;  // bool/int attention masks
  for (const char* s : {".attention.bias", ".attention.masked_bias", ".rotary_emb.inv_freq"}) {
    if (ends_with(n, s)) return true;
  }
  return n.find(".decoder_layer.") != std::string::npos ||
         starts_with(n, "lang_encoder.old_decoder_blocks.") ||
         starts_with(n, "lang_encoder.gated_cross_attn_layers.") ||
         (starts_with(n, "vision_encoder.") && !starts_with(n, "vision_encoder.perceiver."));
}

void Planner::extras() {
  std::vector<std::string> unknown;
  for (const auto& [n, t] : in_.checkpoint.all()) {
    if (!used(in_.checkpoint, n) && !ignorable(n, t)) unknown.push_back(n);
  }
  if (!unknown.empty()) {
    std::string list;
    for (size_t i = 0; i < unknown.size() && i < 8; ++i) list += (i ? ", " : "") + unknown[i];
    plan_.warnings.push_back(in_.checkpoint_path + ": " + std::to_string(unknown.size()) +
                             " tensor(s) not used: " + list + (unknown.size() > 8 ? ", ..." : ""));
  }
  for (const auto& [n, t] : in_.language_model.all()) {
    if (!used(in_.language_model, n) && !ignorable(n, t)) problem(t.file + ": unexpected tensor '" + n + "' (the model has no place for it)");
  }
  for (const auto& [n, t] : in_.clip.all()) {
    if (!starts_with(n, "visual.") || used(in_.clip, n) || !is_float(t.dtype)) continue;
    if (n == "visual.proj" || starts_with(n, "visual.ln_post.")) continue;  // OpenFlamingo reads patch tokens before them
    problem(t.file + ": unexpected tensor '" + n + "' (not part of a CLIP ViT)");
  }
}

bool has_prefix(const TensorSources& src, const std::string& prefix) {
  auto it = src.all().lower_bound(prefix);
  return it != src.all().end() && starts_with(it->first, prefix);
}

std::string family_of(const TensorSources& src, const std::string& prefix) {
  if (has_prefix(src, prefix + "gpt_neox.")) return "gpt_neox";
  if (has_prefix(src, prefix + "transformer.blocks.") || has_prefix(src, prefix + "transformer.wte.")) return "mpt";
  if (has_prefix(src, prefix + "model.layers.")) return "llama";
  return "";
}

std::string family_name(const std::string& f) {
  if (f == "gpt_neox") return "GPT-NeoX";
  if (f == "mpt") return "MPT";
  if (f == "llama") return "LLaMA";
  return "unknown";
}

}  // namespace

bool find_language_config(const std::string& language_model_path, std::string* config_path) {
  std::error_code ec;
  const fs::path p(language_model_path);
  const fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
  const fs::path config = dir / "config.json";
  if (!fs::exists(config, ec)) return false;
  *config_path = config.string();
  return true;
}

void plan_conversion(const ConvertInputs& in, const OpenFlamingoPreset* preset, ConversionPlan& plan) {
  Planner p(in, plan);
  const std::string ckpt_family = family_of(in.checkpoint, "lang_encoder.");
  const std::string lm_family = family_of(in.language_model, "");
  const std::string& want = plan.arch.type;
  if (ckpt_family != want) {
    p.problem(in.checkpoint_path + ": the checkpoint is for a " + family_name(ckpt_family) +
              " language model, not " + plan.arch.describe() +
              (ckpt_family.empty() ? " (no lang_encoder.* tensors: is this OpenFlamingo's checkpoint.pt?)" : ""));
  }
  if (lm_family != want) {
    p.problem(in.language_model_path + ": holds " + family_name(lm_family) + " weights, but " +
              (preset ? "--preset " + preset->id : std::string("its config.json")) + " needs " + plan.arch.describe());
  }
  if (!plan.problems.empty()) return;  // everything below would only repeat it
  const std::string embed = want == "mpt" ? "lang_encoder.transformer.wte.weight" : "lang_encoder.gpt_neox.embed_in.weight";
  plan.vocab_size = static_cast<int>(p.size_of(in.checkpoint, in.checkpoint_path, embed, 0));
  p.vision();
  p.perceiver();
  p.cross_attention(want == "mpt" ? "lang_encoder.transformer.blocks." : "lang_encoder.gpt_neox.layers.");
  if (preset != nullptr && plan.cross_attn_every != 0 && plan.cross_attn_every != preset->cross_attn_every) {
    p.problem(in.checkpoint_path + ": gated blocks every " + std::to_string(plan.cross_attn_every) +
              " layers, but --preset " + preset->id + " has them every " + std::to_string(preset->cross_attn_every));
  }
  if (want == "mpt") p.mpt(); else p.neox();
  p.extras();
}

}  // namespace flamingo
