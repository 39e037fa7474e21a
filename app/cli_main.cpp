// `flamingo`: the command-line face of the engine. Text goes to stdout, as it is
// generated; statistics and errors go to stderr.
#include <CLI/CLI.hpp>

#include "app/cli_commands.h"
#include "app/cli_convert_openflamingo.h"
#include "app/cli_info.h"
#include "app/cli_tokenize.h"
#include "app/cli_train.h"
#include "core/paths.h"
#include "core/version.h"

namespace {

void add_load_options(CLI::App* cmd, flamingo::LoadOptions& load) {
  cmd->add_option("--threads", load.threads, "CPU threads (0: LibTorch's default)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", load.device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  cmd->add_option("--dtype", load.dtype, "auto (as stored), float32 or bfloat16")
      ->check(CLI::IsMember({"auto", "float32", "bfloat16", "float16"}));
}

void add_generate(CLI::App& app, GenerateArgs& g, int& which) {
  auto* cmd = app.add_subcommand("generate", "Continue a prompt, streaming the text to stdout");
  cmd->add_option("--model", g.model_dir, "Model directory (default: the bundled model)");
  cmd->add_option("--prompt", g.prompt, "Prompt text (empty: start from BOS alone)");
  cmd->add_option("--media", g.media, "Image or video for the next <image> marker (repeatable)");
  cmd->add_option("--max-new-tokens", g.options.max_new_tokens, "Most tokens to generate")
      ->check(CLI::PositiveNumber);
  auto& s = g.options.sampling;
  cmd->add_option("--temperature", s.temperature, "0 means greedy")->check(CLI::NonNegativeNumber);
  cmd->add_option("--top-k", s.top_k, "Keep the K most likely tokens (0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--top-p", s.top_p, "Nucleus sampling mass")->check(CLI::Range(0.0001, 1.0));
  cmd->add_option("--repetition-penalty", s.repetition_penalty, "1 disables")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", s.seed, "Random seed for sampling");
  cmd->add_option("--stop", g.stop_strings, "Stop before this text (repeatable)");
  cmd->add_flag("--quiet", g.quiet, "No statistics on stderr");
  add_load_options(cmd, g.load);
  cmd->callback([&which] { which = 1; });
}

void add_convert(CLI::App& app, flamingo::Llama2cImportOptions& c, int& which) {
  auto* cmd = app.add_subcommand("convert-llama2c", "Import a llama2.c checkpoint");
  cmd->add_option("--weights", c.weights_path, "llama2.c .bin checkpoint")->required();
  cmd->add_option("--tokenizer", c.tokenizer_path, "SentencePiece .model file")->required();
  cmd->add_option("--out", c.out_dir, "Model directory to write")->required();
  cmd->add_option("--name", c.name, "Model name (default: the weights file's name)");
  cmd->callback([&which] { which = 2; });
}

void add_score(CLI::App& app, ScoreArgs& a, int& which) {
  auto* cmd = app.add_subcommand("score", "Rank options by log-likelihood after a prompt (multiple choice)");
  cmd->add_option("--model", a.model_dir, "Model directory (default: the bundled model)");
  cmd->add_option("--prompt", a.prompt, "Prompt text with <image> markers")->required();
  cmd->add_option("--media", a.media, "Image or video for the next <image> marker (repeatable)");
  cmd->add_option("--option", a.options, "A candidate answer (repeatable)")->required();
  add_load_options(cmd, a.load);
  cmd->callback([&which] { which = 5; });
}

void add_init_random(CLI::App& app, InitRandomArgs& a, int& which) {
  auto* cmd = app.add_subcommand("init-random", "Write untrained weights for a model directory's config.json");
  cmd->add_option("--dir", a.dir, "Model directory with config.json and the tokenizer")->required();
  cmd->add_option("--seed", a.seed, "Random seed");
  cmd->add_option("--gates", a.gate, "Value of every cross-attention gate (0: the bare language model)");
  cmd->add_option("--dtype", a.dtype, "float32 or bfloat16")->check(CLI::IsMember({"float32", "bfloat16"}));
  cmd->callback([&which] { which = 6; });
}

void add_bench(CLI::App& app, flamingo::BenchOptions& b, int& which) {
  auto* cmd = app.add_subcommand("bench", "Measure prefill and decode speed and peak memory");
  cmd->add_option("--model", b.model_dir, "Model directory");
  cmd->add_option("--synthetic", b.synthetic, "Random weights in a known shape: 1b (TinyLlama), 3b (a whole OpenFlamingo-3B)");
  cmd->add_option("--prompt-tokens", b.prompt_tokens, "Prompt length")->check(CLI::PositiveNumber);
  cmd->add_option("--new-tokens", b.new_tokens, "Tokens to decode")->check(CLI::Range(2, 1 << 20));
  cmd->add_option("--media", b.media, "Images in the first turn of a conversation (vision models)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--repeats", b.repeats, "Runs; the best is reported")->check(CLI::PositiveNumber);
  add_load_options(cmd, b.load);
  cmd->callback([&which] { which = 3; });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"flamingo: run Flamingo-style visual language models"};
  app.set_version_flag("--version", std::string("flamingo ") + FLAMINGO_VERSION);
  app.require_subcommand(1);
  int which = 0;
  GenerateArgs generate;
  flamingo::Llama2cImportOptions convert;
  flamingo::BenchOptions bench;
  flamingo::LoadOptions demo_load;
  add_generate(app, generate, which);
  add_convert(app, convert, which);
  add_bench(app, bench, which);
  ScoreArgs score;
  add_score(app, score, which);
  InitRandomArgs init_random;
  add_init_random(app, init_random, which);
  flamingo::TrainOptions train;
  bool train_serial = false;
  add_train_command(app, train, train_serial, which, 7);
  std::string samples_out;
  auto* samples = app.add_subcommand("write-samples", "Write sample images and clips of the visual world");
  samples->add_option("--out", samples_out, "Directory")->required();
  samples->callback([&which] { which = 9; });
  flamingo::EvalOptions eval;
  add_eval_command(app, eval, which, 8);
  auto* demo = app.add_subcommand("demo", "Answer the built-in few-shot demo prompt with the bundled model");
  add_load_options(demo, demo_load);
  demo->callback([&which] { which = 4; });
  app.add_subcommand("info", "Where this installation finds its model, samples and tokenizer module")
      ->callback([&which] { which = 10; });
  flamingo::OpenFlamingoConvertOptions convert_of;
  add_convert_openflamingo_command(app, convert_of, which, 11);
  TokenizeArgs tokenize;
  add_tokenize_command(app, tokenize, which, 20);
  CLI11_PARSE(app, argc, argv);

  switch (which) {
    case 1:
      if (generate.model_dir.empty()) generate.model_dir = flamingo::bundled_model_dir();
      if (generate.model_dir.empty()) {
        std::fprintf(stderr, "flamingo: error: no --model given and no model is bundled yet\n");
        return 2;
      }
      return run_generate(generate);
    case 2: return run_convert_llama2c(convert);
    case 3:
      if (bench.model_dir.empty() == bench.synthetic.empty()) {
        std::fprintf(stderr, "flamingo: error: bench needs exactly one of --model and --synthetic\n");
        return 2;
      }
      return run_bench(bench);
    case 4: return run_demo(demo_load);
    case 5:
      if (score.model_dir.empty()) score.model_dir = flamingo::bundled_model_dir();
      return run_score(score);
    case 6: return run_init_random(init_random);
    case 7: return run_train(train, train_serial, std::vector<std::string>(argv, argv + argc));
    case 9: return run_write_samples(samples_out);
    case 20: return run_tokenize(tokenize);
    case 10: return run_info();
    case 11: return run_convert_openflamingo(convert_of);
    case 8:
      if (eval.model_dir.empty()) eval.model_dir = flamingo::bundled_model_dir();
      return run_eval(eval);
  }
  return 2;
}
