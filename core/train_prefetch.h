#pragma once
// Internal to core/: stage 3 makes the next step's batch on another thread while the
// workers train on the current one. Generating a batch (drawing scenes, rendering
// pictures, tokenizing) runs on one thread before the workers start: with two
// workers the process used about 165 % of two cores. Measured on 2 cores (twenty-third
// run, docs/training.md): with one worker, making batches ahead ran 2.08 steps/s
// against 1.80; with two workers it took a core from them, 2.59 against 2.87.
#include <functional>
#include <future>
#include <vector>

#include "core/train_data.h"

namespace flamingo {

class BatchPrefetcher {
 public:
  using Batch = std::vector<TrainingSequence>;
  // `make(step)` must depend on the step alone, so that a batch made ahead is the
  // batch the step would have made itself. Steps run from 0 to `steps` - 1. Without
  // `ahead` each batch is made when it is taken.
  BatchPrefetcher(std::function<Batch(int)> make, int steps, bool ahead);
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;
  ~BatchPrefetcher();  // waits for a batch still being made (a stop, an error)

  // The batch of `step`, made ahead when it was the step expected; then starts on
  // the next step's. An error making a batch is thrown by the take that needs it.
  Batch take(int step);

 private:
  std::function<Batch(int)> make_;
  int steps_;
  bool ahead_on_;
  int ahead_step_ = -1;
  std::future<Batch> ahead_;
};

}  // namespace flamingo
