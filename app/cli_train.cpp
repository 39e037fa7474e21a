// `flamingo train` and `flamingo eval`: making and measuring the bundled model.
#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "app/cli_train.h"
#include "core/error.h"
#include "core/visual_world.h"

extern char** environ;

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

// Names the first process to the second, which ends with it: a stage 2 left running
// after its parent died would write the same checkpoints as the next run's.
constexpr const char* kParentVariable = "FLAMINGO_TRAIN_PARENT";

void end_with_parent() {
  const char* parent = std::getenv(kParentVariable);
  if (!parent) return;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (std::to_string(getppid()) != parent) std::exit(1);  // it died before prctl took hold
}

// This same program run once more with extra arguments, its output into a log file.
class SecondProcess {
 public:
  SecondProcess(std::vector<std::string> args, const std::string& log) : log_(log) {
    posix_spawn_file_actions_t io;
    posix_spawn_file_actions_init(&io);
    posix_spawn_file_actions_addopen(&io, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&io, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> argv, env;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string parent = std::string(kParentVariable) + "=" + std::to_string(getpid());
    for (char** e = environ; *e; ++e) env.push_back(*e);
    env.push_back(parent.data());
    env.push_back(nullptr);
    const int err = posix_spawn(&pid_, "/proc/self/exe", &io, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&io);
    if (err != 0) throw flamingo::Error("could not start a second process for stage 2: " + std::string(std::strerror(err)));
  }
  SecondProcess(const SecondProcess&) = delete;
  SecondProcess& operator=(const SecondProcess&) = delete;
  ~SecondProcess() {
    if (pid_ > 0) kill(pid_, SIGTERM), wait();
  }
  // Throws unless the process ended well.
  void finish(const std::string& what) {
    const int status = wait();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      throw flamingo::Error(what + " failed (" + (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                                    : "killed by signal " + std::to_string(WTERMSIG(status))) +
                            "); its log is " + log_);
  }

 private:
  int wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    pid_ = -1;
    return status;
  }
  pid_t pid_ = -1;
  std::string log_;
};

// Stage 2 needs nothing of stage 1, so the whole recipe trains the vision encoder in a
// second process while this one trains the language model: one core each, which is
// what makes the recipe fit its 3 hours on two cores (docs/training.md).
void train_in_two_processes(const flamingo::TrainOptions& t, const std::vector<std::string>& args) {
  auto only = [&](const std::string& stage) {
    auto o = t;
    o.only_stage = stage;
    flamingo::train(o, std::cerr);
  };
  only("tokenizer");
  const std::string log = flamingo::train_work_dir(t) + "/vision.log";
  std::vector<std::string> vision_args = args;
  vision_args.insert(vision_args.end(), {"--stage", "vision"});
  std::cerr << "[vision] stage 2 runs in a second process; its progress goes to " << log << std::endl;
  SecondProcess vision(vision_args, log);
  only("language");
  std::cerr << "[vision] waiting for stage 2 to finish" << std::endl;
  vision.finish("stage 2 (the vision encoder)");
  std::ifstream in(log);  // its measured heads belong in this log too
  for (std::string line; std::getline(in, line);)
    if (line.rfind("[vision] held-out", 0) == 0) std::cerr << line << std::endl;
  only("flamingo");  // and the model directory, once stage 3 is done
}

// --recall-text-WHICH, --repeat-text-WHICH, --scene-text-WHICH: a stage-1 phase's mix.
void add_text_mix(CLI::App* cmd, const std::string& which, const std::string& whose, flamingo::TextMix& mix) {
  cmd->add_option("--recall-text-" + which, mix.recall,
                  whose + " share of recall documents: keys and the names bound to them, looked up again")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--repeat-text-" + which, mix.repeat,
                  whose + " share of repeat documents: nonsense words, then the same words again")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--scene-text-" + which, mix.scene,
                  whose + " share of scene documents: questions and captions over textual keys of scenes")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--binding-text-" + which, mix.binding,
                  whose + " share of binding episodes, their image markers without pictures, names from every word")
      ->check(CLI::Range(0.0, 1.0));
}

}  // namespace

void add_train_command(CLI::App& app, flamingo::TrainOptions& t, bool& serial, int& which, int id) {
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
  cmd->add_option("--language-cosine-steps", t.language_cosine_steps,
                  "Length of stage 1's cosine (0: --language-steps); longer stops it early on purpose")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--language-tune-from", t.language_tune_from,
                  "Stage 1's step from which it tunes on the tuning mix (0: never)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--language-tune-lr", t.language_tune_lr, "Learning rate at the start of the tuning phase")
      ->check(CLI::PositiveNumber);
  add_text_mix(cmd, "stage1", "Stage 1's", t.language_mix);
  add_text_mix(cmd, "tune", "The tuning phase's", t.tune_mix);
  cmd->add_option("--distinct-repeat-until", t.distinct_repeat_until,
                  "Stage-1 steps before this one read repeat lines that never repeat a syllable (0: none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--distinct-repeat-share", t.distinct_repeat_share,
                  "Share of stage 1's later repeat documents whose lines never repeat a syllable")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--shuffled-repeat-share", t.shuffled_repeat_share,
                  "Share of stage 1's repeat documents that say their words in a new order each time")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--named-repeat-share", t.named_repeat_share,
                  "Share of stage 1's repeat documents that name their words in sentences, then ask for them")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--language-report-every", t.language_report_every,
                  "Log stage 1's copying and binding reports at every checkpoint this many steps apart (0: at its end)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--language-redraw-at", t.language_redraw_at,
                  "Stage 1's checkpoint at which a model that does not yet answer binding questions with a name "
                  "of its context is given up for the next seed (0: never)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--language-redraws", t.language_redraws, "How many times stage 1 may start again so")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--language-context-weight", t.language_context_weight,
                  "Stage 1's loss weight of the tokens outside answers (answers weigh 1)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--flamingo-steps", t.flamingo_steps)->check(CLI::PositiveNumber);
  cmd->add_option("--sequence-tokens", t.sequence_tokens)->check(CLI::Range(32, 1024));
  cmd->add_option("--flamingo-batch", t.flamingo_batch, "Packed sequences per stage-3 step")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--flamingo-workers", t.flamingo_workers,
                  "Threads sharing each stage-3 batch, one model copy each (the result depends on it)")
      ->check(CLI::PositiveNumber);
  const flamingo::world::DocumentMix& m = t.flamingo_mix;  // the defaults, before parsing
  cmd->add_option_function<std::vector<int>>(
         "--flamingo-mix",
         [&t](const std::vector<int>& w) {
           t.flamingo_mix.caption = w[0], t.flamingo_mix.vqa = w[1], t.flamingo_mix.binding = w[2];
           t.flamingo_mix.induction = w[3], t.flamingo_mix.video = w[4];
           t.flamingo_mix.relation = w.size() > 5 ? w[5] : 0;
         },
         "Stage 3's weights of captions, questions, binding, induction, videos and, optionally, "
         "relation questions (default " + std::to_string(m.caption) + "," + std::to_string(m.vqa) +
             "," + std::to_string(m.binding) + "," + std::to_string(m.induction) + "," +
             std::to_string(m.video) + "," + std::to_string(m.relation) + ")")
      ->expected(5, 6)
      ->delimiter(',')
      ->check(CLI::Range(0, 1000));
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
  cmd->add_flag("--sincos-patch-positions,!--no-sincos-patch-positions", t.sincos_patch_positions,
                "Stage 3's patch embeddings start as a 2-D sine-cosine code of each patch's place (default), not at random");
  cmd->add_flag("--pass-patches,!--no-pass-patches", t.pass_patches,
                "Stage 3's gated layers read each frame's patches too, not only the latents (not in the paper)");
  cmd->add_option("--checkpoint-every", t.checkpoint_every)->check(CLI::PositiveNumber);
  cmd->add_option("--log-every", t.log_every)->check(CLI::PositiveNumber);
  cmd->add_option("--threads", t.threads)->check(CLI::PositiveNumber);
  cmd->add_option("--max-steps-per-run", t.max_steps_per_run, "Stop each stage after this many steps (resume later)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("!--no-resume", t.resume, "Start every unfinished stage from scratch");
  cmd->add_flag("--serial", serial, "Train stage 2 after stage 1 in this process, not beside it in a second one");
  cmd->callback([&which, id] { which = id; });
}

void add_eval_command(CLI::App& app, flamingo::EvalOptions& e, int& which, int id) {
  auto* cmd = app.add_subcommand("eval", "Accuracy on held-out episodes of the visual world");
  cmd->add_option("--model", e.model_dir, "Model directory (default: the bundled model)");
  cmd->add_option("--suite", e.suite)->required()->check(
      CLI::IsMember({"caption", "vqa", "choice", "binding", "binding-seen", "induction", "video", "relation"}));
  cmd->add_option("--ways", e.ways)->check(CLI::Range(2, 5));
  cmd->add_option("--shots", e.shots)->check(CLI::Range(0, 8));
  cmd->add_option("--episodes", e.episodes)->check(CLI::PositiveNumber);
  cmd->add_option("--seed", e.seed);
  cmd->add_flag("--zero-gates", e.load.zero_gates, "Force every gate to 0: the bare language model");
  cmd->add_flag("--verbose", e.verbose, "One line per episode");
  cmd->add_option("--threads", e.load.threads)->check(CLI::NonNegativeNumber);
  cmd->callback([&which, id] { which = id; });
}

int run_train(const flamingo::TrainOptions& t, bool serial, const std::vector<std::string>& args) {
  return guarded([&] {
    end_with_parent();
    if (serial || !t.only_stage.empty())
      flamingo::train(t, std::cerr);
    else
      train_in_two_processes(t, args);
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
