#pragma once
// Internal to core/: the pieces every training stage shares — AdamW
// (Loshchilov & Hutter, 2019) with a per-group learning rate, linear warm-up
// then cosine decay, gradient clipping by global norm, checkpoints that resume
// to the same state, and a one-line progress report with loss and ETA.
#include <ATen/core/Tensor.h>

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace flamingo {

struct ParamGroup {
  std::vector<std::pair<std::string, at::Tensor>> params;  // named, requires_grad
  double lr_scale = 1.0;                                   // e.g. 10 for the gates
  double weight_decay = 0.01;
};

struct ScheduleOptions {
  double lr = 1e-3;
  int warmup_steps = 100;
  int total_steps = 1000;
  double min_lr_ratio = 0.1;
  double clip_norm = 1.0;
  int cosine_steps = 0;  // the cosine's length; 0: total_steps (longer: a run stopped early on purpose)
  // From step tune_from (when 0 < tune_from < total_steps) a second cosine falls from
  // tune_lr to lr * min_lr_ratio at total_steps: a fine-tuning phase on other data.
  int tune_from = 0;
  double tune_lr = 0;
  bool tuning(int step) const { return tune_from > 0 && tune_from < total_steps && step >= tune_from; }
};

class AdamW {
 public:
  AdamW(std::vector<ParamGroup> groups, const ScheduleOptions& schedule);

  double learning_rate(int step) const;  // warm-up, then cosine decay to min_lr_ratio
  // Clips, updates every parameter from its .grad(), clears the grads. Returns
  // the gradient norm before clipping.
  double step();
  int steps_done() const { return step_; }

  // Parameters, moments and step count, as safetensors plus a small JSON.
  void save(const std::string& dir) const;
  void load(const std::string& dir);  // FileError naming the file on mismatch

 private:
  std::vector<ParamGroup> groups_;
  ScheduleOptions schedule_;
  std::map<std::string, at::Tensor> m_, v_;
  int step_ = 0;
  double beta1_ = 0.9, beta2_ = 0.95, eps_ = 1e-8;
};

// "[stage] step 120/1000  loss 1.234  lr 9.8e-04  3.1 steps/s  ETA 4m44s"
class Progress {
 public:
  Progress(std::ostream& out, std::string stage, int total, int first_step);
  void report(int step, double loss, double lr);

 private:
  std::ostream& out_;
  std::string stage_;
  int total_, first_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace flamingo
