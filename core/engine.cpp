#include "core/engine.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/media.h"
#include "core/model_impl.h"

namespace flamingo {

at::ScalarType parse_compute_dtype(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "float16") return at::kHalf;
  throw ArgumentError("unknown dtype \"" + name + "\" (use float32, bfloat16 or float16)");
}

at::Device parse_device(const std::string& name) {
  if (name == "cpu") return at::kCPU;
  if (name == "cuda") {
    if (!at::hasCUDA())
      throw ArgumentError("device \"cuda\" was asked for, but this build of LibTorch has no CUDA "
                          "support or no GPU is visible; use --device cpu");
    return at::Device(at::kCUDA, 0);
  }
  throw ArgumentError("unknown device \"" + name + "\" (use cpu or cuda)");
}

namespace {

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& dir, const ModelConfig& cfg) {
  auto tok = Tokenizer::load(dir + "/" + cfg.tokenizer.file, cfg.tokenizer.type, cfg.tokenizer.added_tokens);
  if (tok->vocab_size() > cfg.language_model.vocab_size)
    throw FileError(dir + "/config.json",
                    "the tokenizer has " + std::to_string(tok->vocab_size()) +
                        " tokens but \"language_model.vocab_size\" is only " +
                        std::to_string(cfg.language_model.vocab_size));
  return tok;
}

// [F, 3, S, S] float32 on the CPU, viewing the MediaTensor's own buffer.
at::Tensor frames_tensor(MediaTensor& m) {
  return at::from_blob(m.data.data(), {m.frames, m.channels, m.height, m.width}, at::kFloat);
}

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::string& dir, const LoadOptions& options) {
  if (options.threads < 0) throw ArgumentError("threads must be >= 0");
  if (options.threads > 0) at::set_num_threads(options.threads);
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->config = ModelConfig::load(dir);
  impl->tokenizer = load_tokenizer(dir, impl->config);
  const auto dtype = parse_compute_dtype(options.dtype == "auto" ? impl->config.dtype : options.dtype);
  const auto device = parse_device(options.device);
  c10::InferenceMode guard;
  impl->weights = WeightStore::open(dir);
  FlamingoOptions fo;
  fo.zero_gates = options.zero_gates;
  fo.language_model_only = options.language_model_only;
  impl->model = std::make_unique<FlamingoModel>(impl->config, impl->weights, dtype, device, fo);
  impl->weights.check_all_used();
  return std::shared_ptr<Model>(new Model(std::move(impl)));
}

void Model::write_random_weights(const std::string& dir, uint64_t seed, float gate,
                                 const std::string& dtype) {
  const auto cfg = ModelConfig::load(dir);
  load_tokenizer(dir, cfg);  // the model must be loadable as a whole
  c10::InferenceMode guard;
  auto weights = WeightStore::random(seed, gate);
  FlamingoModel model(cfg, weights, at::kFloat, at::kCPU);
  weights.save(dir + "/model.safetensors", parse_compute_dtype(dtype));
}

const ModelConfig& Model::config() const { return impl_->config; }
const Tokenizer& Model::tokenizer() const { return *impl_->tokenizer; }
const std::string& Model::directory() const { return impl_->dir; }
std::string Model::device() const { return impl_->model->decoder().device().str(); }
std::string Model::dtype() const {
  const auto t = impl_->model->decoder().dtype();
  return t == at::kFloat ? "float32" : t == at::kBFloat16 ? "bfloat16" : "float16";
}

struct Session::Impl {
  std::shared_ptr<const Model> model;
  FlamingoState state;
  std::vector<int> history;          // fed
  std::vector<int> queued;           // not fed yet
  std::vector<MediaTensor> pending;  // media for queued <image> tokens, not encoded yet

  const FlamingoModel& flamingo() const { return *model->impl().model; }

  void encode_pending() {
    for (auto& m : pending) flamingo().add_media(frames_tensor(m), state);
    pending.clear();
  }

  at::Tensor forward(const std::vector<int>& tokens, bool all_logits) {
    c10::InferenceMode guard;
    encode_pending();
    auto ids = at::tensor(std::vector<int64_t>(tokens.begin(), tokens.end()), at::kLong)
                   .to(flamingo().decoder().device());                           // [T]
    return flamingo().forward(ids, state, all_logits).to(at::kCPU).contiguous();  // [T or 1, V]
  }

  std::vector<float> feed(const std::vector<int>& tokens) {
    auto logits = forward(tokens, false);  // [1, V]
    const float* p = logits.data_ptr<float>();
    return std::vector<float>(p, p + logits.numel());
  }

  int count_images(const std::vector<int>& ids) const {
    return static_cast<int>(std::count(ids.begin(), ids.end(), model->config().special_tokens.image));
  }
};

Session::Session(std::shared_ptr<const Model> model) : impl_(std::make_unique<Impl>()) {
  impl_->model = std::move(model);
  c10::InferenceMode guard;
  impl_->state = impl_->flamingo().new_state();
}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::append_text(const std::string& text) { append_text_with_media(text, {}); }

void Session::append_text(const std::string& text, const std::vector<std::string>& media_paths) {
  Preprocessing p = impl_->model->config().preprocessing;
  std::vector<MediaTensor> media;
  for (const auto& path : media_paths) media.push_back(load_media(path, p));
  append_text_with_media(text, std::move(media));
}

void Session::append_text_with_media(const std::string& text, std::vector<MediaTensor> media) {
  const auto& cfg = impl_->model->config();
  const bool first = impl_->history.empty() && impl_->queued.empty();
  auto ids = impl_->model->tokenizer().encode(text, first && cfg.tokenizer.add_bos);
  const int markers = cfg.special_tokens.image >= 0 ? impl_->count_images(ids) : 0;
  if (markers != static_cast<int>(media.size()))
    throw ArgumentError("the prompt has " + std::to_string(markers) + " <image> marker(s) but " +
                        std::to_string(media.size()) + " image or video file(s) were given");
  if (!media.empty() && !impl_->flamingo().has_vision())
    throw ArgumentError("this model reads text only: it cannot take images or videos");
  impl_->queued.insert(impl_->queued.end(), ids.begin(), ids.end());
  for (auto& m : media) impl_->pending.push_back(std::move(m));
}

void Session::append_tokens(const std::vector<int>& tokens) {
  const int vocab = impl_->model->config().language_model.vocab_size;
  for (int id : tokens)
    if (id < 0 || id >= vocab)
      throw ArgumentError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                          std::to_string(vocab));
  impl_->queued.insert(impl_->queued.end(), tokens.begin(), tokens.end());
}

GenerationResult Session::generate(const GenerateOptions& options, const TokenCallback& on_piece,
                                   const std::atomic<bool>* cancel) {
  if (impl_->queued.empty())
    throw ArgumentError("nothing to answer: the prompt is empty and the model has no BOS token");
  GenerationContext ctx;
  ctx.feed = [this](const std::vector<int>& t) { return impl_->feed(t); };
  ctx.tokenizer = &impl_->model->tokenizer();
  ctx.context_left = impl_->model->config().language_model.max_seq_len - impl_->state.text.length;
  ctx.history = &impl_->history;
  if (const int image = impl_->model->config().special_tokens.image; image >= 0) ctx.never_generate = {image};
  auto prompt = std::exchange(impl_->queued, {});
  auto result = flamingo::generate(prompt, ctx, options, on_piece, cancel);
  // The last sampled token, shown but not fed, opens the next turn.
  if (!result.tokens.empty()) impl_->queued.push_back(result.tokens.back());
  return result;
}

std::vector<float> Session::next_logits() {
  if (impl_->queued.empty()) throw ArgumentError("no queued tokens to feed");
  auto logits = impl_->feed(impl_->queued);
  impl_->history.insert(impl_->history.end(), impl_->queued.begin(), impl_->queued.end());
  impl_->queued.clear();
  return logits;
}

std::vector<OptionScore> Session::score_options(const std::vector<std::string>& options) {
  if (options.empty()) throw ArgumentError("scoring needs at least one option");
  std::vector<float> last = next_logits();  // the prompt, once for all options
  const int prompt_length = impl_->state.text.length;
  std::vector<OptionScore> scores;
  for (const auto& option : options) {
    auto ids = impl_->model->tokenizer().encode(option, false);
    if (ids.empty()) throw ArgumentError("option \"" + option + "\" has no tokens");
    if (impl_->count_images(ids) > 0) throw ArgumentError("an option cannot contain <image>");
    auto logits = impl_->forward(ids, true);  // [L, V]
    auto logp = at::log_softmax(at::cat({at::tensor(last).unsqueeze(0), logits.narrow(0, 0, logits.size(0) - 1)}), -1);
    OptionScore s{option, 0, {}};
    for (size_t i = 0; i < ids.size(); ++i) {
      s.per_token.push_back(logp[i][ids[i]].item<double>());
      s.total += s.per_token.back();
    }
    scores.push_back(std::move(s));
    impl_->state.text.length = prompt_length;  // the option's cache entries are overwritten next
  }
  std::stable_sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) { return a.total > b.total; });
  return scores;
}

const std::vector<int>& Session::history() const { return impl_->history; }
int Session::context_used() const {
  return static_cast<int>(impl_->history.size() + impl_->queued.size());
}
int Session::media_count() const { return static_cast<int>(impl_->state.visual.size()); }

void Session::reset() {
  c10::InferenceMode guard;
  impl_->history.clear();
  impl_->queued.clear();
  impl_->pending.clear();
  impl_->state = impl_->flamingo().new_state();
}

}  // namespace flamingo
