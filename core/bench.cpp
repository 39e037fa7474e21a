#include "core/bench.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <vector>

#include "core/error.h"
#include "core/media.h"
#include "core/model_impl.h"

namespace flamingo {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

LanguageModelConfig synthetic_config(const std::string& name) {
  LanguageModelConfig c;
  if (name == "1b") {  // TinyLlama-1.1B's published shape
    c.dim = 2048, c.hidden_dim = 5632, c.n_layers = 22, c.n_heads = 32, c.n_kv_heads = 4;
    c.vocab_size = 32000, c.max_seq_len = 2048, c.tie_embeddings = false;
    return c;
  }
  throw ArgumentError("unknown synthetic model \"" + name + "\" (known: 1b, 3b)");
}

// Random weights with the decoder's names, drawn in the compute dtype directly so
// that a 1B model needs no float32 copy.
WeightStore random_weights(const LanguageModelConfig& c, at::ScalarType dtype) {
  std::map<std::string, at::Tensor> w;
  auto opts = at::TensorOptions().dtype(dtype);
  auto mat = [&](int64_t r, int64_t k) { return at::randn({r, k}, opts) * 0.02; };
  const int64_t D = c.dim, F = c.hidden_dim, HE = D, GE = int64_t(c.n_kv_heads) * c.head_dim();
  w["model.embed_tokens.weight"] = mat(c.vocab_size, D);
  for (int i = 0; i < c.n_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    w[p + "input_layernorm.weight"] = at::ones({D});
    w[p + "post_attention_layernorm.weight"] = at::ones({D});
    w[p + "self_attn.q_proj.weight"] = mat(HE, D);
    w[p + "self_attn.k_proj.weight"] = mat(GE, D);
    w[p + "self_attn.v_proj.weight"] = mat(GE, D);
    w[p + "self_attn.o_proj.weight"] = mat(D, HE);
    w[p + "mlp.gate_proj.weight"] = mat(F, D);
    w[p + "mlp.up_proj.weight"] = mat(F, D);
    w[p + "mlp.down_proj.weight"] = mat(D, F);
  }
  w["model.norm.weight"] = at::ones({D});
  if (!c.tie_embeddings) w["lm_head.weight"] = mat(c.vocab_size, D);
  return WeightStore::from_tensors(std::move(w));
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

long long count_parameters(const LanguageModelConfig& c) {
  const long long D = c.dim, F = c.hidden_dim, GE = (long long)c.n_kv_heads * c.head_dim();
  const long long per_layer = 2 * D + 2 * D * D + 2 * GE * D + 3 * F * D;
  return c.vocab_size * D * (c.tie_embeddings ? 1 : 2) + c.n_layers * per_layer + D;
}

MediaTensor random_image(int size) {
  MediaTensor m;
  m.frames = 1;
  m.height = m.width = size;
  auto t = at::randn({3, size, size});
  m.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  return m;
}

std::string image_prompt(int images) {
  std::string p;
  for (int i = 0; i + 1 < images; ++i) p += "<image>Output: a small red circle left of a blue star.<|endofchunk|>";
  return p + "<image>Output:";
}

// OpenFlamingo-3B's shape (Awadalla et al., 2023): MPT-1B in MosaicGPT's layout
// (d_model 2048, 24 layers, 16 heads, expansion 4, QK LayerNorm, ALiBi; the
// mosaicml/mpt-1b-redpajama-200b model card), vocabulary truncated to 50280 with
// <|endofchunk|> 50277, <image> 50278; CLIP ViT-L/14 at 224 px; a 6-layer
// resampler of 64 latents, 8 heads of 64; a gated block before every layer.
ModelConfig openflamingo_3b() {
  ModelConfig c;
  c.name = "synthetic OpenFlamingo-3B";
  auto& lm = c.language_model;
  lm.type = "mpt", lm.mpt_layout = "mosaic_gpt", lm.qk_ln = true;
  lm.dim = 2048, lm.n_layers = 24, lm.n_heads = lm.n_kv_heads = 16, lm.hidden_dim = 4 * 2048;
  lm.vocab_size = 50280, lm.max_seq_len = 2048, lm.tie_embeddings = true;
  c.has_vision = true;
  auto& v = c.vision_encoder;
  v.image_size = 224, v.patch_size = 14, v.width = 1024, v.layers = 24, v.heads = 16, v.mlp_dim = 4096;
  c.perceiver = PerceiverConfig{};          // depth 6, 8 heads of 64, 64 latents
  c.cross_attention = CrossAttentionConfig{};  // every layer, 8 heads of 64
  c.special_tokens.eos = 0, c.special_tokens.end_of_chunk = 50277, c.special_tokens.image = 50278;
  c.special_tokens.pad = 50279;
  return c;
}

// Read bandwidth in GB/s: the best of a few sums over a 1 GiB buffer.
double measure_bandwidth_gbs() {
  auto buf = at::ones({int64_t(1) << 28}, at::kFloat);
  double best = 0;
  for (int r = 0; r < 4; ++r) {
    auto t0 = Clock::now();
    buf.sum().item<float>();
    best = std::max(best, buf.nbytes() / (ms_since(t0) * 1e6));
  }
  return best;
}

// Bytes a decode step reads: every language-model matrix (the tied embedding once,
// as the head) and the gated blocks' except to_kv, whose keys and values of the
// images are cached.
double decode_bytes(const WeightStore& w) {
  double bytes = 0;
  for (const auto& [name, t] : w.used_tensors()) {
    if (name.rfind("vision_encoder.", 0) == 0 || name.rfind("perceiver.", 0) == 0 ||
        name.find(".to_kv.") != std::string::npos)
      continue;
    bytes += double(t.nbytes());
  }
  return bytes;
}

// A few-shot captioning prompt of token ids: (<image> text <|endofchunk|>) x
// (images - 1), then <image> and two more; random ids stand in for the text.
std::vector<int64_t> few_shot_ids(const ModelConfig& c, int images, int prompt_tokens) {
  const int per_shot = std::max(2, (prompt_tokens - 3) / std::max(1, images - 1) - 2);
  auto text = [&](int n, std::vector<int64_t>& ids) {
    auto r = at::randint(1000, 50000, {n}, at::kLong);
    for (int i = 0; i < n; ++i) ids.push_back(r[i].item<int64_t>());
  };
  std::vector<int64_t> ids;
  for (int i = 0; i + 1 < images; ++i) {
    ids.push_back(c.special_tokens.image);
    text(per_shot, ids);
    ids.push_back(c.special_tokens.end_of_chunk);
  }
  ids.push_back(c.special_tokens.image);
  text(2, ids);  // "Output:"
  return ids;
}

}  // namespace

void run_flamingo_synthetic_bench(const BenchOptions& o, std::ostream& out) {
  if (o.load.threads > 0) at::set_num_threads(o.load.threads);
  c10::InferenceMode guard;
  const double bandwidth = measure_bandwidth_gbs();
  const auto dtype = parse_compute_dtype(o.load.dtype == "auto" ? "bfloat16" : o.load.dtype);
  const auto config = openflamingo_3b();
  auto t_init = Clock::now();
  auto weights = WeightStore::random(1, 0.5f, {}, dtype);
  FlamingoModel model(config, weights, dtype, parse_device(o.load.device));
  const double init_s = ms_since(t_init) / 1000;
  double parameters = 0, weight_bytes = 0;
  for (const auto& [name, t] : weights.used_tensors()) parameters += t.numel(), weight_bytes += t.nbytes();
  const double step_bytes = decode_bytes(weights);
  const int images = o.media > 0 ? o.media : 5;
  const int size = config.vision_encoder.image_size;

  // Time to first token: encode the images, feed the prompt, pick the first token.
  auto ids = at::tensor(few_shot_ids(config, images, o.prompt_tokens), at::kLong);
  auto t0 = Clock::now();
  auto state = model.new_state();
  for (int i = 0; i < images; ++i) model.add_media(at::randn({1, 3, size, size}), state);
  const double encode_ms = ms_since(t0);
  auto next = model.forward(ids, state, false).argmax(-1);          // [1]
  next.item<int64_t>();
  const double ttft_ms = ms_since(t0);
  auto t1 = Clock::now();
  for (int i = 1; i < o.new_tokens; ++i) {
    next = model.forward(next, state, false).argmax(-1);
    next.item<int64_t>();
  }
  const double decode = (o.new_tokens - 1) * 1000.0 / ms_since(t1);
  out << std::fixed << std::setprecision(2) << "model: " << config.name << " (" << parameters / 1e9
      << " B parameters, " << weight_bytes / 1e9 << " GB of weights, "
      << (dtype == at::kFloat ? "float32" : "bfloat16") << ", " << at::get_num_threads() << " thread(s))\n"
      << "random init s: " << init_s << "\n"
      << "prompt: " << images << " images, " << ids.size(0) << " tokens; new tokens: " << o.new_tokens << "\n"
      << "encode " << images << " images ms: " << encode_ms << "\n"
      << "time to first token ms: " << ttft_ms << "\n"
      << "measured read bandwidth GB/s: " << bandwidth << "\n"
      << "bytes read per decode step GB: " << step_bytes / 1e9 << "\n"
      << "decode bound tokens/s (bandwidth / bytes per step): " << bandwidth * 1e9 / step_bytes << "\n"
      << "peak RSS MB: " << peak_rss_mb() << "\n"
      << "decode tokens/s: " << decode << "\n";
}

void run_media_bench(const BenchOptions& o, std::ostream& out) {
  auto model = Model::load(o.model_dir, o.load);
  if (!model->config().has_vision) throw ArgumentError(o.model_dir + ": --media needs a model with a vision encoder");
  const int size = model->config().vision_encoder.image_size;
  double encode_ms = 1e300;
  for (int r = 0; r < std::max(1, o.repeats); ++r) {
    c10::InferenceMode guard;
    auto m = random_image(size);
    auto frames = at::from_blob(m.data.data(), {1, 3, size, size}, at::kFloat);
    auto t0 = Clock::now();
    model->impl().model->encode_media(frames);
    encode_ms = std::min(encode_ms, ms_since(t0));
  }
  GenerateOptions g;
  g.sampling.temperature = 0;
  g.max_new_tokens = o.new_tokens;
  Session session(model);
  std::vector<MediaTensor> media;
  for (int i = 0; i < o.media; ++i) media.push_back(random_image(size));
  session.append_text_with_media(image_prompt(o.media), std::move(media));
  auto first = session.generate(g).stats;
  out << std::fixed << std::setprecision(1) << "model: " << o.model_dir << " (" << model->dtype() << ", "
      << at::get_num_threads() << " thread(s))\n"
      << "encode one image ms: " << encode_ms << "\n"
      << "turn 1: " << o.media << " images, " << first.prompt_tokens
      << " prompt tokens, time to first token ms: " << first.time_to_first_token_ms << "\n";
  GenerationStats last = first;
  for (int turn = 2; turn <= 4; ++turn) {
    session.append_text_with_media("<|endofchunk|><image>Output:", {random_image(size)});
    last = session.generate(g).stats;
    out << "turn " << turn << ": +1 image, " << last.prompt_tokens << " prompt tokens, history "
        << session.context_used() << " tokens, time to first token ms: " << last.time_to_first_token_ms << "\n";
  }
  out << "peak RSS MB: " << peak_rss_mb() << "\n"
      << "decode tokens/s: " << last.decode_tokens_per_s() << "\n";
}

BenchReport run_bench(const BenchOptions& o, std::ostream& out) {
  if (o.prompt_tokens < 1 || o.new_tokens < 2) throw ArgumentError("bench needs >= 1 prompt and >= 2 new tokens");
  if (o.synthetic == "3b") {  // a whole Flamingo, not a bare decoder
    run_flamingo_synthetic_bench(o, out);
    return {};
  }
  if (o.load.threads > 0) at::set_num_threads(o.load.threads);
  c10::InferenceMode guard;
  std::shared_ptr<Model> model;
  std::unique_ptr<WeightStore> store;
  std::unique_ptr<LanguageDecoder> own;
  const LanguageDecoder* decoder = nullptr;
  if (!o.synthetic.empty()) {
    auto cfg = synthetic_config(o.synthetic);
    const auto dtype = parse_compute_dtype(o.load.dtype == "auto" ? "bfloat16" : o.load.dtype);
    store = std::make_unique<WeightStore>(random_weights(cfg, dtype));
    own = std::make_unique<LlamaDecoder>(cfg, *store, dtype, parse_device(o.load.device));
    decoder = own.get();
  } else {
    model = Model::load(o.model_dir, o.load);
    decoder = &model->impl().model->decoder();
  }
  const auto& c = decoder->config();
  if (o.prompt_tokens + o.new_tokens > c.max_seq_len)
    throw ArgumentError("prompt + new tokens exceed the model's context of " + std::to_string(c.max_seq_len));

  BenchReport r;
  r.parameters = count_parameters(c);
  r.weight_bytes = double(r.parameters) * at::elementSize(decoder->dtype());
  auto prompt = at::randint(c.vocab_size, {o.prompt_tokens}, at::kLong).to(decoder->device());
  for (int rep = 0; rep < std::max(1, o.repeats); ++rep) {
    KVCache cache = decoder->new_cache();
    auto t0 = Clock::now();
    auto logits = decoder->forward(prompt, cache, false);            // [1, V]
    auto next = logits.argmax(-1);                                    // [1]
    next.item<int64_t>();
    const double prefill = ms_since(t0);
    auto t1 = Clock::now();
    for (int i = 1; i < o.new_tokens; ++i) {
      next = decoder->forward(next, cache, false).argmax(-1);
      next.item<int64_t>();  // sampling needs the token on the host every step
    }
    const double decode = ms_since(t1);
    r.prefill_tokens_per_s = std::max(r.prefill_tokens_per_s, o.prompt_tokens * 1000.0 / prefill);
    r.time_to_first_token_ms = rep == 0 ? prefill : std::min(r.time_to_first_token_ms, prefill);
    r.decode_tokens_per_s = std::max(r.decode_tokens_per_s, (o.new_tokens - 1) * 1000.0 / decode);
  }
  r.peak_rss_mb = peak_rss_mb();
  out << std::fixed << std::setprecision(1)
      << "model: " << (o.synthetic.empty() ? o.model_dir : "synthetic " + o.synthetic) << " ("
      << r.parameters / 1e6 << " M parameters, " << r.weight_bytes / 1e6 << " MB of weights, "
      << (decoder->dtype() == at::kFloat ? "float32" : "bfloat16") << ", " << at::get_num_threads()
      << " thread(s))\n"
      << "prompt tokens: " << o.prompt_tokens << ", new tokens: " << o.new_tokens << "\n"
      << "prefill tokens/s: " << r.prefill_tokens_per_s << "\n"
      << "time to first token ms: " << r.time_to_first_token_ms << "\n"
      << "peak RSS MB: " << r.peak_rss_mb << "\n"
      << "decode tokens/s: " << r.decode_tokens_per_s << "\n";
  return r;
}

}  // namespace flamingo
