#pragma once
// Internal to core/: the three training stages of core/trainer.h. Each keeps
// its checkpoints in <work>/<stage>/ and resumes from the latest.
#include <ostream>
#include <string>

#include "core/model_config.h"
#include "core/trainer.h"

namespace flamingo {

class Tokenizer;

struct StageContext {
  const TrainOptions& options;
  const ModelConfig& config;
  const Tokenizer& tokenizer;
  std::string work_dir;
  std::ostream& log;
};

void train_language_model(StageContext& ctx);  // stage 1: next-token prediction on text
void train_vision_encoder(StageContext& ctx);  // stage 2: what is where, from pixels
void train_flamingo(StageContext& ctx);        // stage 3: resampler and gated blocks only
void write_model(StageContext& ctx, const std::string& out_dir);  // model.safetensors

}  // namespace flamingo
