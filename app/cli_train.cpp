// `flamingo train` and `flamingo eval`: making and measuring the bundled model.
#include <iostream>

#include "app/cli_train.h"
#include "core/error.h"
#include "core/visual_world.h"

namespace {

template <typename F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << "flamingo: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_train_command(CLI::App& app, flamingo::TrainOptions& t, int& which, int id) {
  auto* cmd = app.add_subcommand("train", "Train the tiny Flamingo on the generated visual world");
  cmd->add_option("--out", t.out_dir, "Model directory to write")->required();
  cmd->add_option("--work", t.work_dir, "Checkpoints (default: OUT.train)");
  cmd->add_option("--stage", t.only_stage, "Run one stage only")
      ->check(CLI::IsMember({"tokenizer", "language", "vision", "flamingo", "export"}));
  cmd->add_option("--seed", t.seed, "Random seed of the whole recipe");
  cmd->add_option("--language-steps", t.language_steps)->check(CLI::PositiveNumber);
  cmd->add_option("--language-batch", t.language_batch, "Packed sequences per stage-1 step")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--vision-steps", t.vision_steps)->check(CLI::PositiveNumber);
  cmd->add_option("--language-lr", t.language_lr, "Peak learning rate of stage 1")->check(CLI::PositiveNumber);
  cmd->add_option("--vision-lr", t.vision_lr, "Peak learning rate of stage 2")->check(CLI::PositiveNumber);
  cmd->add_flag("--whole-word-pieces", t.whole_word_pieces,
                "Make a syllable a tokenizer piece only where no ordinary word contains it");
  cmd->add_flag("--keyed-text-stage1", t.keyed_text_stage1, "Stage 1 reads half text-only documents");
  cmd->add_option("--recall-text-stage1", t.language_recall_share,
                  "Stage 1's share of recall documents: keys and the names bound to them, looked up again")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--repeat-text-stage1", t.language_repeat_share,
                  "Stage 1's share of repeat documents: nonsense words, then the same words again")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--language-context-weight", t.language_context_weight,
                  "Stage 1's loss weight of the tokens outside answers (answers weigh 1)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--flamingo-steps", t.flamingo_steps)->check(CLI::PositiveNumber);
  cmd->add_option("--sequence-tokens", t.sequence_tokens)->check(CLI::Range(32, 1024));
  cmd->add_option("--flamingo-batch", t.flamingo_batch, "Packed sequences per stage-3 step")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--flamingo-lr", t.flamingo_lr, "Peak learning rate of stage 3")->check(CLI::PositiveNumber);
  cmd->add_option("--gate-lr-scale", t.gate_lr_scale, "Stage 3's gate learning rate over the rest")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--language-lr-scale", t.language_lr_scale,
                  "Stage 3 also trains the language model at this learning-rate scale (0: frozen, as in the paper)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--latents", t.latents, "Latents of stage 3's Perceiver Resampler per image or video")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--patch-positions,!--no-patch-positions", t.patch_positions,
                "Stage 3's resampler learns an embedding per patch position (not in the paper)");
  cmd->add_option("--checkpoint-every", t.checkpoint_every)->check(CLI::PositiveNumber);
  cmd->add_option("--log-every", t.log_every)->check(CLI::PositiveNumber);
  cmd->add_option("--threads", t.threads)->check(CLI::PositiveNumber);
  cmd->add_option("--max-steps-per-run", t.max_steps_per_run, "Stop each stage after this many steps (resume later)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("!--no-resume", t.resume, "Start every unfinished stage from scratch");
  cmd->callback([&which, id] { which = id; });
}

void add_eval_command(CLI::App& app, flamingo::EvalOptions& e, int& which, int id) {
  auto* cmd = app.add_subcommand("eval", "Accuracy on held-out episodes of the visual world");
  cmd->add_option("--model", e.model_dir, "Model directory (default: the bundled model)");
  cmd->add_option("--suite", e.suite)->required()->check(
      CLI::IsMember({"caption", "vqa", "choice", "binding", "binding-seen", "induction", "video"}));
  cmd->add_option("--ways", e.ways)->check(CLI::Range(2, 5));
  cmd->add_option("--shots", e.shots)->check(CLI::Range(0, 8));
  cmd->add_option("--episodes", e.episodes)->check(CLI::PositiveNumber);
  cmd->add_option("--seed", e.seed);
  cmd->add_flag("--zero-gates", e.load.zero_gates, "Force every gate to 0: the bare language model");
  cmd->add_flag("--verbose", e.verbose, "One line per episode");
  cmd->add_option("--threads", e.load.threads)->check(CLI::NonNegativeNumber);
  cmd->callback([&which, id] { which = id; });
}

int run_train(const flamingo::TrainOptions& t) {
  return guarded([&] {
    flamingo::train(t, std::cerr);
    return 0;
  });
}

int run_eval(const flamingo::EvalOptions& e) {
  return guarded([&] {
    flamingo::run_eval(e, std::cout);
    return 0;
  });
}

int run_write_samples(const std::string& dir) {
  return guarded([&] {
    flamingo::world::write_samples(dir);
    return 0;
  });
}
