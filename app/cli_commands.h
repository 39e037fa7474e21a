#pragma once
// The subcommands of the `flamingo` command-line tool. Each returns the exit
// status: 0 success, 1 a runtime error (already printed to stderr).
#include <string>
#include <vector>

#include "core/bench.h"
#include "core/engine.h"
#include "core/llama2c_import.h"

struct GenerateArgs {
  std::string model_dir;
  std::string prompt;
  std::vector<std::string> media;  // one per <image> marker, in order
  std::vector<std::string> stop_strings;
  flamingo::GenerateOptions options;
  flamingo::LoadOptions load;
  bool quiet = false;  // no statistics on stderr
};

struct ScoreArgs {
  std::string model_dir;
  std::string prompt;
  std::vector<std::string> media;
  std::vector<std::string> options;
  flamingo::LoadOptions load;
};

struct InitRandomArgs {
  std::string dir;  // holds config.json and the tokenizer already
  uint64_t seed = 0;
  float gate = 0;
  std::string dtype = "float32";
};

int run_generate(const GenerateArgs& args);
int run_score(const ScoreArgs& args);
int run_init_random(const InitRandomArgs& args);
int run_convert_llama2c(const flamingo::Llama2cImportOptions& options);
int run_bench(const flamingo::BenchOptions& options);
int run_demo(const flamingo::LoadOptions& load);
