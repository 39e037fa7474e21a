#include "core/train_stages.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/flamingo_model.h"
#include "core/safetensors.h"
#include "core/train_data.h"
#include "core/train_loop.h"
#include "core/vision_encoder.h"
#include "core/weights.h"

namespace flamingo {
namespace {

namespace fs = std::filesystem;

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Trained tensors of a finished stage, read back from its last checkpoint.
std::map<std::string, at::Tensor> load_params(const std::string& dir, const std::string& prefix = "") {
  SafetensorsFile f(dir + "/params.safetensors");
  std::map<std::string, at::Tensor> out;
  for (const auto& info : f.tensors())
    if (starts_with(info.name, prefix))
      out[info.name] = at::from_blob(const_cast<void*>(f.data(info)), info.shape, at::kFloat).clone();
  return out;
}

// Masked next-token cross-entropy: logits [T, V] predict tokens[1:].
at::Tensor next_token_loss(const at::Tensor& logits, const std::vector<int>& tokens,
                           const std::vector<float>& mask) {
  const int64_t T = static_cast<int64_t>(tokens.size());
  auto targets = at::tensor(std::vector<int64_t>(tokens.begin() + 1, tokens.end()), at::kLong);
  auto weights = at::tensor(std::vector<float>(mask.begin() + 1, mask.end()));  // [T-1]
  auto ce = at::cross_entropy_loss(logits.narrow(0, 0, T - 1), targets, {}, at::Reduction::None);
  return (ce * weights).sum() / weights.sum().clamp_min(1.0);
}

struct Loop {
  std::string dir;
  int steps;
};

// The shared skeleton: resume, step, log, checkpoint, finish.
template <typename StepFn>
void run_loop(StageContext& ctx, const std::string& stage, const Loop& loop, AdamW& opt, StepFn step) {
  fs::create_directories(loop.dir);
  if (ctx.options.resume && fs::exists(loop.dir + "/params.safetensors")) {
    opt.load(loop.dir);
    ctx.log << "[" << stage << "] resumed at step " << opt.steps_done() << std::endl;
  }
  Progress progress(ctx.log, stage, loop.steps, opt.steps_done());
  double running = 0;
  int count = 0, this_run = 0;
  const int budget = ctx.options.max_steps_per_run > 0 ? ctx.options.max_steps_per_run : loop.steps;
  while (opt.steps_done() < loop.steps && this_run++ < budget) {
    const int s = opt.steps_done();
    at::Tensor loss = step(s);
    loss.backward();
    opt.step();
    running += loss.item<double>(), ++count;
    if ((s + 1) % ctx.options.log_every == 0 || s + 1 == loop.steps) {
      progress.report(s + 1, running / count, opt.learning_rate(s));
      running = 0, count = 0;
    }
    if ((s + 1) % ctx.options.checkpoint_every == 0) opt.save(loop.dir);
  }
  opt.save(loop.dir);
  if (opt.steps_done() >= loop.steps) std::ofstream(loop.dir + "/done") << "ok\n";
}

std::vector<ParamGroup> trainable(WeightStore& w, const std::function<bool(const std::string&)>& pick,
                                  double gate_lr_scale) {
  ParamGroup main, gates;
  gates.lr_scale = gate_lr_scale, gates.weight_decay = 0;
  for (auto& [name, t] : w.used_tensors()) {
    if (!pick(name)) continue;
    t.requires_grad_(true);
    const bool gate = name.size() > 5 && name.compare(name.size() - 5, 5, "_gate") == 0;
    (gate ? gates : main).params.emplace_back(name, t);
  }
  return {main, gates};
}

}  // namespace

void train_language_model(StageContext& ctx) {
  const auto& o = ctx.options;
  auto weights = WeightStore::random(o.seed, 0.0f);
  LlamaDecoder decoder(ctx.config.language_model, weights, at::kFloat, at::kCPU);
  AdamW opt(trainable(weights, [](const std::string&) { return true; }, 1.0),
            {o.language_lr, 100, o.language_steps, 0.1, 1.0});
  run_loop(ctx, "language", {ctx.work_dir + "/language", o.language_steps}, opt, [&](int step) {
    world::Generator gen(o.seed * 1000003 + 1 + step);  // the data of a step depends on the step alone
    auto seq = pack_documents(gen, ctx.tokenizer, ctx.config, o.sequence_tokens, false, false);
    KVCache cache = decoder.new_cache();
    auto ids = at::tensor(std::vector<int64_t>(seq.tokens.begin(), seq.tokens.end()), at::kLong);
    return next_token_loss(decoder.forward(ids, cache, true), seq.tokens, seq.target_mask);
  });
}

// One batch of stage 2's loss (train_vision.cpp).
at::Tensor vision_step(StageContext& ctx, const VisionEncoder& encoder, const Linear& shape_head,
                       const Linear& colour_head, const Linear& size_head, const Linear& count_head,
                       int step);

void train_vision_encoder(StageContext& ctx) {
  const auto& o = ctx.options;
  const auto& v = ctx.config.vision_encoder;
  auto weights = WeightStore::random(o.seed + 2, 0.0f);
  LoadContext lc{weights, at::kFloat, at::kCPU};
  VisionEncoder encoder(v, lc, "vision_encoder.");
  auto shape = Linear::load(lc, "head.shape", v.width, world::kShapeCount + 1, true);
  auto colour = Linear::load(lc, "head.colour", v.width, world::kColourCount + 1, true);
  auto size = Linear::load(lc, "head.size", v.width, 3, true);
  auto count = Linear::load(lc, "head.count", v.width, world::kMaxObjects, true);
  AdamW opt(trainable(weights, [](const std::string&) { return true; }, 1.0),
            {o.vision_lr, 100, o.vision_steps, 0.1, 1.0});
  run_loop(ctx, "vision", {ctx.work_dir + "/vision", o.vision_steps}, opt,
           [&](int step) { return vision_step(ctx, encoder, shape, colour, size, count, step); });
}

void train_flamingo(StageContext& ctx) {
  const auto& o = ctx.options;
  auto preset = load_params(ctx.work_dir + "/language");
  for (auto& [name, t] : load_params(ctx.work_dir + "/vision", "vision_encoder.")) preset[name] = t;
  auto weights = WeightStore::random(o.seed + 3, 0.0f, preset);
  FlamingoModel model(ctx.config, weights, at::kFloat, at::kCPU);
  auto is_new = [](const std::string& n) {
    return starts_with(n, "perceiver.") || n.find("gated_cross_attn_layer") != std::string::npos;
  };
  AdamW opt(trainable(weights, is_new, o.gate_lr_scale), {o.flamingo_lr, 200, o.flamingo_steps, 0.1, 1.0});
  run_loop(ctx, "flamingo", {ctx.work_dir + "/flamingo", o.flamingo_steps}, opt, [&](int step) {
    world::Generator gen(o.seed * 1000003 + 5 + step);
    auto seq = pack_documents(gen, ctx.tokenizer, ctx.config, o.sequence_tokens, true, true);
    FlamingoState state = model.new_state();
    model.add_media_batch(seq.media, state);
    auto ids = at::tensor(std::vector<int64_t>(seq.tokens.begin(), seq.tokens.end()), at::kLong);
    return next_token_loss(model.forward(ids, state, true), seq.tokens, seq.target_mask);
  });
}

void write_model(StageContext& ctx, const std::string& out_dir) {
  auto preset = load_params(ctx.work_dir + "/language");
  for (auto& [name, t] : load_params(ctx.work_dir + "/vision", "vision_encoder.")) preset[name] = t;
  for (auto& [name, t] : load_params(ctx.work_dir + "/flamingo")) preset[name] = t;
  auto weights = WeightStore::random(0, 0.0f, preset);
  FlamingoModel model(ctx.config, weights, at::kFloat, at::kCPU);  // asks for exactly its tensors
  fs::create_directories(out_dir);
  weights.save(out_dir + "/model.safetensors", at::kFloat);
}

}  // namespace flamingo
