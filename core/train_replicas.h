#pragma once
// Internal to core/: stage 3's batch split between threads, one core each. The
// platform's measurements (docs/training.md, twenty-first run) found one thread per
// process twice as fast as two threads inside each operation, and stage 3 alone
// left the second core idle for most of the recipe; data parallelism is the way to
// use it that keeps each operation single-threaded.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <vector>

#include "core/flamingo_model.h"
#include "core/weights.h"

namespace flamingo {

// Copies of a model for more threads. Each shares every tensor's storage with the
// original (an optimiser step on the original moves them all) but has its own
// autograd leaves for the trained tensors, so that concurrent backward passes never
// add into the same .grad, and its own model object, so that threads share no state.
class ModelReplicas {
 public:
  // `main` is the trained model, built on `weights` whose trained tensors already
  // require grad. count - 1 copies are made.
  ModelReplicas(const ModelConfig& config, WeightStore& weights, FlamingoModel& main, int count);
  int count() const { return 1 + static_cast<int>(copies_.size()); }
  FlamingoModel& model(int i) { return i == 0 ? main_ : *copies_[i - 1].model; }
  // Adds each copy's gradients into the original's, copy 1 first, then clears them:
  // a fixed order, so a run's result does not depend on which thread finished first.
  void gather_grads();

 private:
  struct Copy {
    std::unique_ptr<WeightStore> weights;
    std::unique_ptr<FlamingoModel> model;
    std::vector<std::pair<at::Tensor, at::Tensor>> leaves;  // (the original's leaf, the copy's)
  };
  FlamingoModel& main_;
  std::vector<Copy> copies_;
};

// Calls work(worker, begin, end) for `workers` contiguous slices of [0, n), each on
// its own thread (worker 0 on this one), with `threads` threads per operation. An
// exception in any of them is rethrown here once all have ended.
void run_slices(int n, int workers, int threads, const std::function<void(int, int, int)>& work);

}  // namespace flamingo
