#include "core/engine.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include "core/error.h"
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

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::string& dir, const LoadOptions& options) {
  if (options.threads < 0) throw ArgumentError("threads must be >= 0");
  if (options.threads > 0) at::set_num_threads(options.threads);
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->config = ModelConfig::load(dir);
  const auto& cfg = impl->config;
  impl->tokenizer =
      Tokenizer::load_sentencepiece(dir + "/" + cfg.tokenizer.file, cfg.tokenizer.added_tokens);
  if (impl->tokenizer->vocab_size() > cfg.language_model.vocab_size)
    throw FileError(dir + "/config.json",
                    "the tokenizer has " + std::to_string(impl->tokenizer->vocab_size()) +
                        " tokens but \"language_model.vocab_size\" is only " +
                        std::to_string(cfg.language_model.vocab_size));
  const auto dtype = parse_compute_dtype(options.dtype == "auto" ? cfg.dtype : options.dtype);
  const auto device = parse_device(options.device);
  c10::InferenceMode guard;
  impl->weights = WeightStore::open(dir);
  impl->decoder = std::make_unique<LlamaDecoder>(cfg.language_model, impl->weights, dtype, device);
  impl->weights.check_all_used();
  return std::shared_ptr<Model>(new Model(std::move(impl)));
}

const ModelConfig& Model::config() const { return impl_->config; }
const Tokenizer& Model::tokenizer() const { return *impl_->tokenizer; }
const std::string& Model::directory() const { return impl_->dir; }
std::string Model::device() const { return impl_->decoder->device().str(); }
std::string Model::dtype() const {
  return impl_->decoder->dtype() == at::kFloat ? "float32"
         : impl_->decoder->dtype() == at::kBFloat16 ? "bfloat16" : "float16";
}

struct Session::Impl {
  std::shared_ptr<const Model> model;
  KVCache cache;
  std::vector<int> history;  // fed
  std::vector<int> queued;   // not fed yet

  std::vector<float> feed(const std::vector<int>& tokens) {
    c10::InferenceMode guard;
    const auto& decoder = *model->impl().decoder;
    auto ids = at::tensor(std::vector<int64_t>(tokens.begin(), tokens.end()), at::kLong)
                   .to(decoder.device());                                   // [T]
    auto logits = decoder.forward(ids, cache, false).to(at::kCPU).contiguous();  // [1, V]
    const float* p = logits.data_ptr<float>();
    return std::vector<float>(p, p + logits.numel());
  }
};

Session::Session(std::shared_ptr<const Model> model) : impl_(std::make_unique<Impl>()) {
  impl_->model = std::move(model);
  c10::InferenceMode guard;
  impl_->cache = impl_->model->impl().decoder->new_cache();
}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::append_text(const std::string& text) {
  const auto& cfg = impl_->model->config();
  const bool first = impl_->history.empty() && impl_->queued.empty();
  auto ids = impl_->model->tokenizer().encode(text, first && cfg.tokenizer.add_bos);
  impl_->queued.insert(impl_->queued.end(), ids.begin(), ids.end());
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
  ctx.context_left = impl_->model->config().language_model.max_seq_len - impl_->cache.length;
  ctx.history = &impl_->history;
  auto prompt = std::exchange(impl_->queued, {});
  auto result = flamingo::generate(prompt, ctx, options, on_piece, cancel);
  // The last sampled token, shown but not fed, opens the next turn.
  if (!result.tokens.empty())
    impl_->queued.push_back(result.tokens.back());
  return result;
}

std::vector<float> Session::next_logits() {
  if (impl_->queued.empty()) throw ArgumentError("no queued tokens to feed");
  auto logits = impl_->feed(impl_->queued);
  impl_->history.insert(impl_->history.end(), impl_->queued.begin(), impl_->queued.end());
  impl_->queued.clear();
  return logits;
}

const std::vector<int>& Session::history() const { return impl_->history; }
int Session::context_used() const {
  return static_cast<int>(impl_->history.size() + impl_->queued.size());
}

void Session::reset() {
  impl_->history.clear();
  impl_->queued.clear();
  impl_->cache.length = 0;
}

}  // namespace flamingo
