#pragma once
#include <CLI/CLI.hpp>

#include "core/evaluation.h"
#include "core/trainer.h"

// `serial`: the flag --serial, which keeps stage 2 in this process after stage 1.
void add_train_command(CLI::App& app, flamingo::TrainOptions& options, bool& serial, int& which, int id);
void add_eval_command(CLI::App& app, flamingo::EvalOptions& options, int& which, int id);
// `args`: the command line as given, for the second process that trains stage 2.
int run_train(const flamingo::TrainOptions& options, bool serial, const std::vector<std::string>& args);
int run_eval(const flamingo::EvalOptions& options);
int run_write_samples(const std::string& dir);
