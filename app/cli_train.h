#pragma once
#include <CLI/CLI.hpp>

#include "core/evaluation.h"
#include "core/trainer.h"

void add_train_command(CLI::App& app, flamingo::TrainOptions& options, int& which, int id);
void add_eval_command(CLI::App& app, flamingo::EvalOptions& options, int& which, int id);
int run_train(const flamingo::TrainOptions& options);
int run_eval(const flamingo::EvalOptions& options);
int run_write_samples(const std::string& dir);
