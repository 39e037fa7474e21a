#include "core/model_config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"

namespace flamingo {
namespace {

using nlohmann::json;

// Reads a required or optional key with a type check that names the key.
template <typename T>
T get(const json& obj, const char* key, const std::string& file, const std::string& where,
      const T* fallback = nullptr) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (fallback) return *fallback;
    throw FileError(file, "missing key \"" + where + key + "\"");
  }
  try {
    return it->template get<T>();
  } catch (const json::exception&) {
    throw FileError(file, "key \"" + where + key + "\" has the wrong type");
  }
}

template <typename T>
T opt(const json& obj, const char* key, const std::string& file, const std::string& where,
      T fallback) {
  return get<T>(obj, key, file, where, &fallback);
}

void require_positive(int value, const char* key, const std::string& file) {
  if (value <= 0)
    throw FileError(file, std::string("\"language_model.") + key + "\" must be positive, got " +
                              std::to_string(value));
}

// MPT's own keys (docs/model-format.md); its attention has as many key/value
// heads as query heads.
void parse_mpt(const json& j, const std::string& file, LanguageModelConfig& c) {
  const std::string w = "language_model.";
  c.mpt_layout = opt<std::string>(j, "mpt_layout", file, w, "mosaic_gpt");
  if (c.mpt_layout != "mosaic_gpt" && c.mpt_layout != "mpt")
    throw FileError(file, "\"language_model.mpt_layout\" must be \"mosaic_gpt\" or \"mpt\", got \"" +
                              c.mpt_layout + "\"");
  c.alibi_bias_max = opt<double>(j, "alibi_bias_max", file, w, 8.0);
  if (!(c.alibi_bias_max > 0))
    throw FileError(file, "\"language_model.alibi_bias_max\" must be positive");
  c.qk_ln = opt<bool>(j, "qk_ln", file, w, false);
  if (c.n_kv_heads != c.n_heads)
    throw FileError(file, "\"language_model.n_kv_heads\" must equal n_heads for type \"mpt\"");
}

void parse_neox(const json& j, const std::string& file, LanguageModelConfig& c) {
  const std::string w = "language_model.";
  c.rotary_pct = opt<double>(j, "rotary_pct", file, w, 1.0);
  if (!(c.rotary_pct > 0 && c.rotary_pct <= 1))
    throw FileError(file, "\"language_model.rotary_pct\" must be in (0, 1], got " +
                              std::to_string(c.rotary_pct));
  if (c.rotary_dims() < 2 || c.rotary_dims() % 2 != 0)
    throw FileError(file, "\"language_model.rotary_pct\" rotates " + std::to_string(c.rotary_dims()) +
                              " dimensions of each head; that must be even and at least 2");
  c.parallel_residual = opt<bool>(j, "parallel_residual", file, w, true);
  if (c.n_kv_heads != c.n_heads)
    throw FileError(file, "\"language_model.n_kv_heads\" must equal n_heads for type \"gpt_neox\"");
}

LanguageModelConfig parse_language_model(const json& j, const std::string& file) {
  if (!j.is_object()) throw FileError(file, "\"language_model\" must be an object");
  const std::string w = "language_model.";
  LanguageModelConfig c;
  c.type = opt<std::string>(j, "type", file, w, "llama");
  if (c.type != "llama" && c.type != "mpt" && c.type != "gpt_neox")
    throw FileError(file, "unsupported \"language_model.type\": \"" + c.type +
                              "\" (known: llama, mpt, gpt_neox)");
  c.dim = get<int>(j, "dim", file, w);
  c.n_layers = get<int>(j, "n_layers", file, w);
  c.n_heads = get<int>(j, "n_heads", file, w);
  c.n_kv_heads = opt<int>(j, "n_kv_heads", file, w, c.n_heads);
  c.hidden_dim = get<int>(j, "hidden_dim", file, w);
  c.vocab_size = get<int>(j, "vocab_size", file, w);
  c.max_seq_len = get<int>(j, "max_seq_len", file, w);
  c.norm_eps = opt<double>(j, "norm_eps", file, w, 1e-5);
  c.rope_theta = opt<double>(j, "rope_theta", file, w, 10000.0);
  c.tie_embeddings = opt<bool>(j, "tie_embeddings", file, w, true);
  auto layout = opt<std::string>(j, "rope_layout", file, w, "interleaved");
  if (layout == "interleaved") {
    c.rope_layout = RopeLayout::kInterleaved;
  } else if (layout == "half") {
    c.rope_layout = RopeLayout::kHalf;
  } else {
    throw FileError(file, "\"language_model.rope_layout\" must be \"interleaved\" or \"half\", got \"" +
                              layout + "\"");
  }
  require_positive(c.dim, "dim", file);
  require_positive(c.n_layers, "n_layers", file);
  require_positive(c.n_heads, "n_heads", file);
  require_positive(c.n_kv_heads, "n_kv_heads", file);
  require_positive(c.hidden_dim, "hidden_dim", file);
  require_positive(c.vocab_size, "vocab_size", file);
  require_positive(c.max_seq_len, "max_seq_len", file);
  if (c.dim % c.n_heads != 0)
    throw FileError(file, "\"language_model.dim\" must be a multiple of n_heads");
  if (c.n_heads % c.n_kv_heads != 0)
    throw FileError(file, "\"language_model.n_heads\" must be a multiple of n_kv_heads");
  if (c.type == "llama" && c.head_dim() % 2 != 0)
    throw FileError(file, "the head dimension (dim / n_heads) must be even for rotary embedding");
  if (c.type == "mpt") parse_mpt(j, file, c);
  if (c.type == "gpt_neox") parse_neox(j, file, c);
  return c;
}

TokenizerConfig parse_tokenizer(const json& j, const std::string& file) {
  const std::string w = "tokenizer.";
  TokenizerConfig t;
  t.type = opt<std::string>(j, "type", file, w, "sentencepiece");
  if (t.type != "sentencepiece" && t.type != "bpe")
    throw FileError(file, "unsupported \"tokenizer.type\": \"" + t.type + "\"");
  t.file = opt<std::string>(j, "file", file, w, "tokenizer.model");
  t.add_bos = opt<bool>(j, "add_bos", file, w, true);
  auto added = opt<json>(j, "added_tokens", file, w, json::array());
  if (!added.is_array()) throw FileError(file, "\"tokenizer.added_tokens\" must be a list");
  for (const auto& a : added) {
    AddedToken tok{get<std::string>(a, "text", file, w + "added_tokens[]."),
                   get<int>(a, "id", file, w + "added_tokens[].")};
    t.added_tokens.push_back(tok);
  }
  return t;
}

SpecialTokens parse_special(const json& j, const std::string& file) {
  const std::string w = "special_tokens.";
  SpecialTokens s;
  s.bos = opt<int>(j, "bos", file, w, -1);
  s.eos = opt<int>(j, "eos", file, w, -1);
  s.image = opt<int>(j, "image", file, w, -1);
  s.end_of_chunk = opt<int>(j, "end_of_chunk", file, w, -1);
  s.pad = opt<int>(j, "pad", file, w, -1);
  return s;
}

void require_positive_in(int value, const std::string& key, const std::string& file) {
  if (value <= 0)
    throw FileError(file, "\"" + key + "\" must be positive, got " + std::to_string(value));
}

VisionEncoderConfig parse_vision(const json& j, const std::string& file) {
  const std::string w = "vision_encoder.";
  VisionEncoderConfig v;
  v.image_size = opt<int>(j, "image_size", file, w, 224);
  v.patch_size = opt<int>(j, "patch_size", file, w, 14);
  v.width = get<int>(j, "width", file, w);
  v.layers = get<int>(j, "layers", file, w);
  v.heads = get<int>(j, "heads", file, w);
  v.mlp_dim = opt<int>(j, "mlp_dim", file, w, 4 * v.width);
  v.activation = opt<std::string>(j, "activation", file, w, "quick_gelu");
  v.use_ln_post = opt<bool>(j, "use_ln_post", file, w, false);
  v.norm_eps = opt<double>(j, "norm_eps", file, w, 1e-5);
  for (auto [value, key] : {std::pair{v.image_size, "image_size"}, {v.patch_size, "patch_size"},
                            {v.width, "width"}, {v.layers, "layers"}, {v.heads, "heads"},
                            {v.mlp_dim, "mlp_dim"}})
    require_positive_in(value, w + key, file);
  if (v.image_size % v.patch_size != 0)
    throw FileError(file, "\"vision_encoder.image_size\" must be a multiple of patch_size");
  if (v.width % v.heads != 0)
    throw FileError(file, "\"vision_encoder.width\" must be a multiple of heads");
  if (v.activation != "quick_gelu" && v.activation != "gelu")
    throw FileError(file, "\"vision_encoder.activation\" must be \"quick_gelu\" or \"gelu\"");
  return v;
}

PerceiverConfig parse_perceiver(const json& j, const std::string& file) {
  const std::string w = "perceiver.";
  PerceiverConfig p;
  p.depth = opt<int>(j, "depth", file, w, 6);
  p.heads = opt<int>(j, "heads", file, w, 8);
  p.dim_head = opt<int>(j, "dim_head", file, w, 64);
  p.num_latents = opt<int>(j, "num_latents", file, w, 64);
  p.max_frames = opt<int>(j, "max_frames", file, w, 0);
  p.ff_mult = opt<int>(j, "ff_mult", file, w, 4);
  p.patch_positions = opt<int>(j, "patch_positions", file, w, 0);
  p.pass_patches = opt<bool>(j, "pass_patches", file, w, false);
  for (auto [value, key] : {std::pair{p.depth, "depth"}, {p.heads, "heads"},
                            {p.dim_head, "dim_head"}, {p.num_latents, "num_latents"},
                            {p.ff_mult, "ff_mult"}})
    require_positive_in(value, w + key, file);
  if (p.max_frames < 0) throw FileError(file, "\"perceiver.max_frames\" must be >= 0");
  if (p.patch_positions < 0) throw FileError(file, "\"perceiver.patch_positions\" must be >= 0");
  return p;
}

CrossAttentionConfig parse_cross_attention(const json& j, const std::string& file) {
  const std::string w = "cross_attention.";
  CrossAttentionConfig c;
  c.every = opt<int>(j, "every", file, w, 1);
  c.heads = opt<int>(j, "heads", file, w, 8);
  c.dim_head = opt<int>(j, "dim_head", file, w, 64);
  c.ff_mult = opt<int>(j, "ff_mult", file, w, 4);
  for (auto [value, key] : {std::pair{c.every, "every"}, {c.heads, "heads"},
                            {c.dim_head, "dim_head"}, {c.ff_mult, "ff_mult"}})
    require_positive_in(value, w + key, file);
  return c;
}

Preprocessing parse_preprocessing(const json& j, const std::string& file, int image_size) {
  const std::string w = "preprocessing.";
  Preprocessing p;
  p.image_size = opt<int>(j, "image_size", file, w, image_size);
  p.mean = opt<std::array<float, 3>>(j, "mean", file, w, p.mean);
  p.std = opt<std::array<float, 3>>(j, "std", file, w, p.std);
  p.resize = opt<std::string>(j, "resize", file, w, p.resize);
  p.max_megapixels = opt<double>(j, "max_megapixels", file, w, p.max_megapixels);
  p.video_fps = opt<double>(j, "video_fps", file, w, p.video_fps);
  p.max_frames = opt<int>(j, "max_frames", file, w, p.max_frames);
  if (p.image_size != image_size)
    throw FileError(file, "\"preprocessing.image_size\" (" + std::to_string(p.image_size) +
                              ") differs from \"vision_encoder.image_size\" (" +
                              std::to_string(image_size) + ")");
  for (float s : p.std)
    if (!(s > 0)) throw FileError(file, "\"preprocessing.std\" values must be positive");
  if (p.resize != "bicubic" && p.resize != "bilinear")
    throw FileError(file, "\"preprocessing.resize\" must be \"bicubic\" or \"bilinear\"");
  if (!(p.max_megapixels > 0) || !(p.video_fps > 0) || p.max_frames <= 0)
    throw FileError(file, "\"preprocessing\" limits must be positive");
  return p;
}

void check_token_ids(const ModelConfig& c, const std::string& file) {
  const int v = c.language_model.vocab_size;
  auto check = [&](int id, const std::string& what) {
    if (id < -1 || id >= v)
      throw FileError(file, what + " id " + std::to_string(id) + " is outside the vocabulary of " +
                                std::to_string(v));
  };
  check(c.special_tokens.bos, "\"special_tokens.bos\"");
  check(c.special_tokens.eos, "\"special_tokens.eos\"");
  check(c.special_tokens.image, "\"special_tokens.image\"");
  check(c.special_tokens.end_of_chunk, "\"special_tokens.end_of_chunk\"");
  check(c.special_tokens.pad, "\"special_tokens.pad\"");
  for (const auto& a : c.tokenizer.added_tokens) check(a.id, "added token \"" + a.text + "\"");
}

}  // namespace

ModelConfig ModelConfig::parse(const std::string& text, const std::string& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw FileError(file, std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object()) throw FileError(file, "the top level must be a JSON object");
  ModelConfig c;
  c.format_version = opt<int>(j, "format_version", file, "", 1);
  if (c.format_version != 1)
    throw FileError(file, "unsupported \"format_version\" " + std::to_string(c.format_version) +
                              " (this program reads version 1)");
  c.name = opt<std::string>(j, "name", file, "", "");
  c.dtype = opt<std::string>(j, "dtype", file, "", "float32");
  c.language_model = parse_language_model(get<json>(j, "language_model", file, ""), file);
  c.tokenizer = parse_tokenizer(opt<json>(j, "tokenizer", file, "", json::object()), file);
  c.special_tokens = parse_special(opt<json>(j, "special_tokens", file, "", json::object()), file);
  c.prompt_templates = opt<std::map<std::string, std::string>>(j, "prompt_templates", file, "", {});
  c.has_vision = j.contains("vision_encoder");
  if (c.has_vision) {
    c.vision_encoder = parse_vision(j["vision_encoder"], file);
    c.perceiver = parse_perceiver(opt<json>(j, "perceiver", file, "", json::object()), file);
    c.cross_attention =
        parse_cross_attention(opt<json>(j, "cross_attention", file, "", json::object()), file);
    c.preprocessing = parse_preprocessing(opt<json>(j, "preprocessing", file, "", json::object()),
                                          file, c.vision_encoder.image_size);
    const int patches = c.vision_encoder.num_patches();
    if (c.perceiver.patch_positions > 0 && c.perceiver.patch_positions != patches)
      throw FileError(file, "\"perceiver.patch_positions\" is " +
                                std::to_string(c.perceiver.patch_positions) + " but the vision encoder gives " +
                                std::to_string(patches) + " patches per frame");
    if (c.perceiver.max_frames > 0 && c.preprocessing.max_frames > c.perceiver.max_frames)
      c.preprocessing.max_frames = c.perceiver.max_frames;  // never sample more than it knows
    if (c.special_tokens.image < 0)
      throw FileError(file, "a model with a vision encoder needs \"special_tokens.image\"");
  }
  check_token_ids(c, file);
  return c;
}

ModelConfig ModelConfig::load(const std::string& dir) {
  const std::string file = dir + "/config.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FileError(file, "cannot be opened (is this a model directory?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), file);
}

std::string ModelConfig::to_json() const {
  const auto& m = language_model;
  json added = json::array();
  for (const auto& a : tokenizer.added_tokens) added.push_back({{"text", a.text}, {"id", a.id}});
  json j = {
      {"format_version", format_version},
      {"name", name},
      {"dtype", dtype},
      {"language_model",
       {{"type", m.type},
        {"dim", m.dim},
        {"n_layers", m.n_layers},
        {"n_heads", m.n_heads},
        {"n_kv_heads", m.n_kv_heads},
        {"hidden_dim", m.hidden_dim},
        {"vocab_size", m.vocab_size},
        {"max_seq_len", m.max_seq_len},
        {"norm_eps", m.norm_eps},
        {"rope_theta", m.rope_theta},
        {"rope_layout", m.rope_layout == RopeLayout::kInterleaved ? "interleaved" : "half"},
        {"tie_embeddings", m.tie_embeddings}}},
      {"tokenizer",
       {{"type", tokenizer.type}, {"file", tokenizer.file}, {"add_bos", tokenizer.add_bos},
        {"added_tokens", added}}},
      {"special_tokens",
       {{"bos", special_tokens.bos},
        {"eos", special_tokens.eos},
        {"image", special_tokens.image},
        {"end_of_chunk", special_tokens.end_of_chunk},
        {"pad", special_tokens.pad}}},
      {"prompt_templates", prompt_templates},
  };
  auto& lm = j["language_model"];
  if (m.type == "mpt") {
    lm["mpt_layout"] = m.mpt_layout;
    lm["alibi_bias_max"] = m.alibi_bias_max;
    lm["qk_ln"] = m.qk_ln;
  } else if (m.type == "gpt_neox") {
    lm["rotary_pct"] = m.rotary_pct;
    lm["parallel_residual"] = m.parallel_residual;
  }
  if (has_vision) {
    const auto& v = vision_encoder;
    j["vision_encoder"] = {{"image_size", v.image_size}, {"patch_size", v.patch_size},
                           {"width", v.width},           {"layers", v.layers},
                           {"heads", v.heads},           {"mlp_dim", v.mlp_dim},
                           {"activation", v.activation}, {"use_ln_post", v.use_ln_post},
                           {"norm_eps", v.norm_eps}};
    const auto& p = perceiver;
    j["perceiver"] = {{"depth", p.depth},           {"heads", p.heads},
                      {"dim_head", p.dim_head},     {"num_latents", p.num_latents},
                      {"max_frames", p.max_frames}, {"ff_mult", p.ff_mult}};
    if (p.patch_positions > 0) j["perceiver"]["patch_positions"] = p.patch_positions;
    if (p.pass_patches) j["perceiver"]["pass_patches"] = true;
    const auto& x = cross_attention;
    const auto& pp = preprocessing;
    j["preprocessing"] = {{"image_size", pp.image_size}, {"mean", pp.mean}, {"std", pp.std},
                          {"resize", pp.resize}, {"max_megapixels", pp.max_megapixels},
                          {"video_fps", pp.video_fps}, {"max_frames", pp.max_frames}};
    j["cross_attention"] = {{"every", x.every}, {"heads", x.heads}, {"dim_head", x.dim_head},
                            {"ff_mult", x.ff_mult}};
  }
  return j.dump(2) + "\n";
}

}  // namespace flamingo
