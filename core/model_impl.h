#pragma once
// Internal to core/: what a loaded Model holds. Pulls in ATen types.
#include <memory>
#include <string>

#include "core/engine.h"
#include "core/flamingo_model.h"
#include "core/tokenizer.h"
#include "core/weights.h"

namespace flamingo {

struct Model::Impl {
  std::string dir;
  ModelConfig config;
  std::unique_ptr<Tokenizer> tokenizer;
  WeightStore weights;  // owns the mappings that the model's tensors may view
  std::unique_ptr<FlamingoModel> model;
};

at::ScalarType parse_compute_dtype(const std::string& name);  // float32, bfloat16, float16
at::Device parse_device(const std::string& name);              // cpu, cuda

}  // namespace flamingo
