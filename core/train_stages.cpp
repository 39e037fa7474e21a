#include "core/train_stages.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <random>
#include <thread>
#include <fstream>

#include "core/error.h"
#include "core/flamingo_model.h"
#include "core/safetensors.h"
#include "core/train_data.h"
#include "core/train_loop.h"
#include "core/train_prefetch.h"
#include "core/train_replicas.h"
#include "core/vision_encoder.h"
#include "core/visual_world_recall.h"
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

// Next-token cross-entropy at each position: logits [T, V] predict tokens[1:] -> [T-1].
at::Tensor next_token_losses(const at::Tensor& logits, const std::vector<int>& tokens) {
  const int64_t T = static_cast<int64_t>(tokens.size());
  auto targets = at::tensor(std::vector<int64_t>(tokens.begin() + 1, tokens.end()), at::kLong);
  return at::cross_entropy_loss(logits.narrow(0, 0, T - 1), targets, {}, at::Reduction::None);
}

// The same, masked and summed over the targets.
at::Tensor next_token_loss_sum(const at::Tensor& logits, const std::vector<int>& tokens,
                               const std::vector<float>& mask) {
  auto weights = at::tensor(std::vector<float>(mask.begin() + 1, mask.end()));  // [T-1]
  return (next_token_losses(logits, tokens) * weights).sum();
}

double target_count(const std::vector<float>& mask) {  // the first token is never a target
  double n = 0;
  for (size_t t = 1; t < mask.size(); ++t) n += mask[t];
  return n;
}

// Targets of a whole batch: every slice of it divides by this, so that the loss is the
// mean over the batch however it is split.
double batch_targets(const std::vector<TrainingSequence>& batch) {
  double targets = 0;
  for (const auto& seq : batch) targets += target_count(seq.target_mask);
  return std::max(1.0, targets);
}

// Sequences [begin, end) of a batch, one backward pass each (the models read one
// sequence at a time). Returns their share of the batch's loss. `logits` runs the
// model on a sequence's ids.
template <typename LogitsFn>
double slice_step(const std::vector<TrainingSequence>& batch, int begin, int end, double targets,
                  LogitsFn logits) {
  double total = 0;
  for (int i = begin; i < end; ++i) {
    const auto& seq = batch[i];
    auto ids = at::tensor(std::vector<int64_t>(seq.tokens.begin(), seq.tokens.end()), at::kLong);
    at::Tensor loss = next_token_loss_sum(logits(seq, ids), seq.tokens, seq.target_mask) / targets;
    loss.backward();
    total += loss.item<double>();
  }
  return total;
}

// One step over packed sequences: the loss is the mean over every target of the batch.
template <typename LogitsFn>
at::Tensor batch_step(const std::vector<TrainingSequence>& batch, LogitsFn logits) {
  const int n = static_cast<int>(batch.size());
  return at::scalar_tensor(slice_step(batch, 0, n, batch_targets(batch), logits), at::kDouble);
}

struct Loop {
  std::string dir;
  int steps;
  std::function<void(int)> every_checkpoint = {};  // after a checkpoint is saved, given the steps done
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
    if (loss.requires_grad()) loss.backward();  // a step that accumulates has run its own
    opt.step();
    running += loss.item<double>(), ++count;
    if ((s + 1) % ctx.options.log_every == 0 || s + 1 == loop.steps) {
      progress.report(s + 1, running / count, opt.learning_rate(s));
      running = 0, count = 0;
    }
    if ((s + 1) % ctx.options.checkpoint_every == 0) {
      opt.save(loop.dir);
      if (loop.every_checkpoint) loop.every_checkpoint(s + 1);
    }
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

// A patch's row and column, each in half the channels as sines and cosines of
// geometrically spaced frequencies (the 2-D form of Vaswani et al., 2017, as MAE,
// He et al., 2022, fixes it), halved so that it does not drown what the encoder
// says of the patch. Unlike random embeddings it is ordered from the start: "left
// of" is a direction in it, and so is movement between frames.
at::Tensor sincos_positions(int64_t grid, int64_t dim) {
  const int64_t quarter = dim / 4;
  auto freq = at::pow(10000.0, -at::arange(quarter, at::kDouble) / quarter);    // [q]
  auto pos = at::arange(grid, at::kDouble);                                     // [g]
  auto angles = pos.unsqueeze(1) * freq.unsqueeze(0);                           // [g, q]
  auto code = at::cat({angles.sin(), angles.cos()}, 1);                         // [g, 2q]
  auto rows = code.unsqueeze(1).expand({grid, grid, 2 * quarter});              // [g(y), g(x), 2q]
  auto cols = code.unsqueeze(0).expand({grid, grid, 2 * quarter});
  auto out = at::zeros({grid * grid, dim}, at::kDouble);
  out.narrow(1, 0, 4 * quarter).copy_(at::cat({rows, cols}, 2).reshape({grid * grid, 4 * quarter}));
  return (out * 0.5).to(at::kFloat);                                            // [g*g, d]
}

// Stage 3's new parameters, initialised here rather than by the weight store's
// generic N(0, 0.02) (whose name rules once also read
// "perceiver.layers.1.0.to_q.weight" as a LayerNorm and set the second resampler
// layer's attention to ones; test_training.cpp guards this stage against that).
// Matrices get torch.nn.Linear's default, U(-1/sqrt(in), 1/sqrt(in))
// (OpenFlamingo's blocks are plain nn.Linear): N(0, 0.02) made each of the four
// matrices between a picture and the logits shrink the signal ~4x, and the
// blocks took thousands of steps to start reading. The latents, frame and
// patch embeddings N(0, 0.02), small next to what the latents read, so that the
// resampler's output (after its LayerNorm) is the picture rather than the
// latents' own starting values; OpenFlamingo's N(0, 1) learnt measurably slower
// here (docs/training.md). Norms weight 1, bias 0; gates 0, so the model
// starts as the language model.
void init_new_parameters(WeightStore& w, const std::function<bool(const std::string&)>& is_new,
                         uint64_t seed) {
  auto ends_with = [](const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  at::manual_seed(seed);
  at::NoGradGuard no_grad;
  for (auto& [name, t] : w.used_tensors()) {  // sorted by name: the same draws every run
    if (!is_new(name)) continue;
    if (ends_with(name, "_gate") || ends_with(name, ".bias")) {
      t.zero_();
    } else if (t.dim() == 1) {
      t.fill_(1.0);  // every other vector of the new blocks is a LayerNorm's weight
    } else {
      const bool latent = name == "perceiver.latents" || name == "perceiver.frame_embs" ||
                          name == "perceiver.patch_embs";
      t.copy_(latent ? at::randn(t.sizes()) * 0.02
                     : (at::rand(t.sizes()) * 2 - 1) / std::sqrt(double(t.size(1))));  // [out, in]
    }
  }
}

// Above this mean loss on repeated lines a language model does not copy whole words
// (calibrated in docs/training.md, thirteenth run).
constexpr double kCopyingNats = 0.1;
// Seventeenth run: 0.72-1.25 for the language models stage 3 bound names on (t11, s8,
// lk); 2.2-5.3 for the one command's stage 1 with seeds 1 and 2, with or without its
// curricula, on two of which stage 3 bound none.
constexpr double kBindingAnswerNats = 1.5;

// The language model's loss of each token of `ids` after the ones before it.
at::Tensor text_losses(const LlamaDecoder& decoder, const std::vector<int>& ids) {
  KVCache cache = decoder.new_cache();
  auto logits = decoder.forward(at::tensor(std::vector<int64_t>(ids.begin(), ids.end()), at::kLong), cache,
                                true);     // [T, V]
  return next_token_losses(logits, ids);  // [T-1]: [t-1] is the loss of ids[t]
}

// Held-out repeat documents (a line of nonsense words said two or three times), read
// whole: the mean loss per token of each line the first time and when it comes again.
// A language model that copies whole words (docs/training.md, seventh run) predicts
// the repeats almost free; one left on the copying plateau does not, and stage 3 on
// such a model bound few names (seventh run). The one command's stage 1 copied only
// the heads of words with seeds 1 and 2 (thirteenth run) until its first repeat lines
// said no syllable twice (sixteenth run).
void report_copying(StageContext& ctx, const LlamaDecoder& decoder) {
  at::NoGradGuard no_grad;
  const auto& special = ctx.config.special_tokens;
  world::Generator gen(ctx.options.seed + 13, 32, world::Split::kEval);
  double sum[2] = {0, 0}, n[2] = {0, 0};  // [first time, again]
  for (int d = 0; d < 64; ++d) {
    std::vector<int> ids{special.bos};
    for (int id : ctx.tokenizer.encode(world::repeat_document(gen).text, false)) ids.push_back(id);
    const at::Tensor ce = text_losses(decoder, ids);  // [T-1]
    auto loss = ce.accessor<float, 1>();
    bool again = false;
    for (size_t t = 1; t < ids.size(); ++t) {
      if (ids[t] == special.end_of_chunk) again = true;
      else sum[again] += loss[t - 1], ++n[again];
    }
  }
  const double first = sum[0] / std::max(1.0, n[0]), repeated = sum[1] / std::max(1.0, n[1]);
  ctx.log << std::fixed << std::setprecision(3) << "[language] held-out repeated lines: " << first
          << " nats per token the first time, " << repeated << " when said again" << std::endl;
  if (repeated > kCopyingNats) {
    ctx.log << "[language] warning: above " << kCopyingNats << " nats, this language model does not copy whole "
            << "words, and stage 3 on such a model bound few names (docs/training.md, thirteenth run)" << std::endl;
  }
}

// Held-out binding episodes as text: their image markers, no pixels, so nothing says
// which name is meant. The language models on which stage 3 learnt to bind answered
// such a question with one of its context's names, whole: about ln 2 nats an answer.
// Those on which it did not invented names from the right syllables (docs/training.md,
// seventeenth run).
double report_binding_answers(StageContext& ctx, const LlamaDecoder& decoder) {
  at::NoGradGuard no_grad;
  world::Generator gen(ctx.options.seed + 17, 32, world::Split::kEval);
  double sum = 0;
  const int episodes = 64;
  for (int e = 0; e < episodes; ++e) {
    const world::Episode episode = gen.episode("binding", 2, 1);
    std::vector<int> ids{ctx.config.special_tokens.bos};
    for (int id : ctx.tokenizer.encode(episode.prompt, false)) ids.push_back(id);
    const size_t answer_at = ids.size();
    for (int id : ctx.tokenizer.encode(" " + episode.answer, false)) ids.push_back(id);
    sum += text_losses(decoder, ids).slice(0, static_cast<int64_t>(answer_at) - 1).sum().item<double>();
  }
  const double nats = sum / episodes;
  ctx.log << std::fixed << std::setprecision(3) << "[language] held-out binding questions without pictures (2 ways, "
          << "1 shot): " << nats << " nats an answer (" << std::log(2.0) << ": one of the two names, whole)" << std::endl;
  if (nats > kBindingAnswerNats) {
    ctx.log << "[language] warning: above " << kBindingAnswerNats << " nats, this language model does not answer "
            << "with a name of its context, and stage 3 on such a model bound no names (docs/training.md, "
            << "seventeenth run)" << std::endl;
  }
  return nats;
}

// Thrown at stage 1's judging checkpoint to give its draw up (TrainOptions::language_redraws).
struct GiveUpDraw {};

// Which draw of stage 1 a work directory holds: 0 ran with the recipe's seed, 1 with
// the next one, and so on. A run resumed after a redraw goes on with the same draw.
int read_draw(const std::string& dir) {
  std::ifstream in(dir + "/draw");
  if (!in) return 0;
  int draw = -1;
  if (!(in >> draw) || draw < 0) throw FileError(dir + "/draw", "does not hold stage 1's draw, a number from 0");
  return draw;
}

void start_draw(const std::string& dir, int draw) {
  fs::remove_all(dir);  // the given-up draw's checkpoint: it must not be resumed
  fs::create_directories(dir);
  std::ofstream out(dir + "/draw");
  out << draw << "\n";
  if (!out.flush()) throw FileError(dir + "/draw", "could not be written (disk full?)");
}

void train_language_draw(StageContext& ctx, int draw) {
  const auto& o = ctx.options;
  const uint64_t seed = o.seed + static_cast<uint64_t>(draw);
  if (draw > 0) ctx.log << "[language] seed " << seed << ", stage 1's draw " << draw + 1 << std::endl;
  auto weights = WeightStore::random(seed, 0.0f);
  LlamaDecoder decoder(ctx.config.language_model, weights, at::kFloat, at::kCPU);
  ScheduleOptions schedule{o.language_lr, 100, o.language_steps, 0.1, 1.0};
  schedule.cosine_steps = o.language_cosine_steps;
  schedule.tune_from = o.language_tune_from, schedule.tune_lr = o.language_tune_lr;
  AdamW opt(trainable(weights, [](const std::string&) { return true; }, 1.0), schedule);
  // Twentieth run: the skills of the seventh run arrive at a step that varies from run
  // to run, so the log says along the way whether and when they came.
  auto report = [&] { return report_copying(ctx, decoder), report_binding_answers(ctx, decoder); };
  auto report_along_the_way = [&](int done) {
    if (done >= o.language_steps) return;  // the end has its own report
    const bool judge = draw < o.language_redraws && done == o.language_redraw_at;
    const bool due = o.language_report_every > 0 && done % o.language_report_every == 0;
    if (!judge && !due) return;
    if (report() > kBindingAnswerNats && judge) {
      ctx.log << "[language] at step " << done << " seed " << seed << " answers above " << kBindingAnswerNats
              << " nats; starting stage 1 again with seed " << seed + 1 << std::endl;
      throw GiveUpDraw{};
    }
  };
  run_loop(ctx, "language", {ctx.work_dir + "/language", o.language_steps, report_along_the_way}, opt, [&](int step) {
    world::Generator gen(seed * 1000003 + 1 + step);  // the data of a step depends on the step alone
    std::mt19937_64 mix(seed * 1000003 + 7 + step);
    const TextMix& m = schedule.tuning(step) ? o.tune_mix : o.language_mix;
    auto unit = [&] { return double(mix() >> 11) * 0x1.0p-53; };  // uniform in [0, 1)
    auto next = [&](world::Generator& g) {
      const double u = unit();
      if (u < m.recall) return world::recall_document(g);
      if (u < m.recall + m.repeat) {
        // The extra draws only where a share is asked for, and the distinct share's only
        // after the distinct steps: one run then reads what a run resumed with the share did.
        const bool distinct = step < o.distinct_repeat_until ||
                              (o.distinct_repeat_share > 0 && unit() < o.distinct_repeat_share);
        const bool shuffled = o.shuffled_repeat_share > 0 && unit() < o.shuffled_repeat_share;
        if (o.named_repeat_share > 0 && unit() < o.named_repeat_share) return world::named_document(g, distinct);
        return world::repeat_document(g, distinct, shuffled);
      }
      if (u < m.recall + m.repeat + m.scene) return g.scene_text();
      if (u < m.sum()) return g.binding_without_pictures(2 + int(mix() % 4), 1 + int(mix() % 3));  // 2-5 ways, 1-3 shots
      return o.keyed_text_stage1 ? g.language_document() : g.random_document();
    };
    std::vector<TrainingSequence> batch;
    for (int b = 0; b < std::max(1, o.language_batch); ++b)
      batch.push_back(pack_documents(gen, ctx.tokenizer, ctx.config, o.sequence_tokens,
                                     static_cast<float>(o.language_context_weight), false, next));
    return batch_step(batch, [&](const TrainingSequence&, const at::Tensor& ids) {
      KVCache cache = decoder.new_cache();
      return decoder.forward(ids, cache, true);
    });
  });
  if (opt.steps_done() >= o.language_steps) report();
}

}  // namespace

void train_language_model(StageContext& ctx) {
  const std::string dir = ctx.work_dir + "/language";
  for (int draw = read_draw(dir);; ++draw) {
    try {
      return train_language_draw(ctx, draw);
    } catch (const GiveUpDraw&) {  // its report has said why
      start_draw(dir, draw + 1);
    }
  }
}

// One batch of stage 2's loss (train_vision.cpp).
at::Tensor vision_step(StageContext& ctx, const VisionEncoder& encoder, const Linear& shape_head,
                       const Linear& colour_head, const Linear& size_head, const Linear& count_head,
                       int step);
// Stage 2's heads on held-out scenes, logged (train_vision.cpp).
void report_vision_accuracy(StageContext& ctx, const VisionEncoder& encoder, const Linear& shape_head,
                            const Linear& colour_head, const Linear& size_head, const Linear& count_head);

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
  report_vision_accuracy(ctx, encoder, shape, colour, size, count);
}

namespace {

// Stage 3's batch of a step; it depends on the step alone (core/train_prefetch.h).
std::vector<TrainingSequence> flamingo_batch(const StageContext& ctx, int step) {
  const auto& o = ctx.options;
  // Text-only documents stay out: they have no picture of their own, and packed
  // after another document their answers would attend to its last one.
  auto with_media = [&o](world::Generator& g) {
    for (;;)
      if (auto doc = g.random_document(o.flamingo_mix); !doc.media.empty()) return doc;
  };
  world::Generator gen(o.seed * 1000003 + 5 + step);
  std::vector<TrainingSequence> batch;
  const int sequences = std::max(1, o.flamingo_batch);
  for (int b = 0; b < sequences; ++b) {
    // A language model that learns too keeps one sequence of text-only documents per
    // step (binding texts the most frequent), alone in its sequence so it attends to no
    // picture: it goes on learning to match a key and copy the name that followed it.
    const bool text = o.language_lr_scale > 0 && sequences > 1 && b == sequences - 1;
    batch.push_back(text ? pack_documents(gen, ctx.tokenizer, ctx.config, o.sequence_tokens, 0.0f,
                                          false, [](world::Generator& g) { return g.text_only(); })
                         : pack_documents(gen, ctx.tokenizer, ctx.config, o.sequence_tokens, 0.0f,
                                          true, with_media));
  }
  return batch;
}

}  // namespace

void train_flamingo(StageContext& ctx) {
  const auto& o = ctx.options;
  auto preset = load_params(ctx.work_dir + "/language");
  for (auto& [name, t] : load_params(ctx.work_dir + "/vision", "vision_encoder.")) preset[name] = t;
  auto weights = WeightStore::random(o.seed + 3, 0.0f, preset);
  FlamingoModel model(ctx.config, weights, at::kFloat, at::kCPU);
  auto is_new = [](const std::string& n) {
    return starts_with(n, "perceiver.") || n.find("gated_cross_attn_layer") != std::string::npos;
  };
  init_new_parameters(weights, is_new, o.seed + 4);
  // Overwritten after the random start, not instead of it, so that every other new
  // tensor gets the draws it got before the code existed.
  if (o.patch_positions && o.sincos_patch_positions) {
    at::NoGradGuard no_grad;
    const auto& v = ctx.config.vision_encoder;
    for (auto& [name, t] : weights.used_tensors())
      if (name == "perceiver.patch_embs") t.copy_(sincos_positions(v.image_size / v.patch_size, t.size(1)));
  }
  auto groups = trainable(weights, is_new, o.gate_lr_scale);
  if (o.language_lr_scale > 0) {  // a departure from the paper, off by default (docs/training.md)
    auto language = trainable(weights, [&](const std::string& n) {
      return !is_new(n) && !starts_with(n, "vision_encoder.");
    }, 1.0);
    language[0].lr_scale = o.language_lr_scale;
    groups.push_back(language[0]);
  }
  AdamW opt(groups, {o.flamingo_lr, std::min(200, o.flamingo_steps / 10), o.flamingo_steps, 0.1, 1.0});
  // A batch of fewer sequences than workers leaves the rest idle.
  ModelReplicas replicas(ctx.config, weights, model, std::min(o.flamingo_workers, std::max(1, o.flamingo_batch)));
  // Only a core the workers leave free makes batches ahead; on a busy one it slows them.
  const bool ahead = std::thread::hardware_concurrency() > static_cast<unsigned>(replicas.count());
  if (ahead) ctx.log << "[flamingo] the next step's batch is made ahead on a spare core" << std::endl;
  BatchPrefetcher prefetch([&ctx](int step) { return flamingo_batch(ctx, step); }, o.flamingo_steps, ahead);
  run_loop(ctx, "flamingo", {ctx.work_dir + "/flamingo", o.flamingo_steps}, opt, [&](int step) {
    const std::vector<TrainingSequence> batch = prefetch.take(step);
    // Each worker's slice on its own copy of the model; the gradients are then summed in
    // a fixed order. One worker is exactly the serial step.
    const int n = static_cast<int>(batch.size());
    const double targets = batch_targets(batch);
    std::vector<double> totals(replicas.count(), 0.0);
    run_slices(n, replicas.count(), o.threads, [&](int w, int begin, int end) {
      FlamingoModel& m = replicas.model(w);
      totals[w] = slice_step(batch, begin, end, targets, [&](const TrainingSequence& seq, const at::Tensor& ids) {
        FlamingoState state = m.new_state();
        m.add_media_batch(seq.media, state);
        return m.forward(ids, state, true);
      });
    });
    replicas.gather_grads();
    double total = 0;
    for (double t : totals) total += t;
    return at::scalar_tensor(total, at::kDouble);
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
