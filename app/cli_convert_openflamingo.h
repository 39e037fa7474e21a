#pragma once
// `flamingo convert-openflamingo`: a released OpenFlamingo model to a model directory.
#include <CLI/CLI.hpp>

#include "core/openflamingo_convert.h"

void add_convert_openflamingo_command(CLI::App& app, flamingo::OpenFlamingoConvertOptions& options,
                                      int& which, int id);
int run_convert_openflamingo(const flamingo::OpenFlamingoConvertOptions& options);
