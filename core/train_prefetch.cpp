#include "core/train_prefetch.h"

#include <utility>

namespace flamingo {

BatchPrefetcher::BatchPrefetcher(std::function<Batch(int)> make, int steps, bool ahead)
    : make_(std::move(make)), steps_(steps), ahead_on_(ahead) {}

BatchPrefetcher::~BatchPrefetcher() {
  if (ahead_.valid()) ahead_.wait();
}

BatchPrefetcher::Batch BatchPrefetcher::take(int step) {
  Batch batch;
  if (ahead_.valid() && ahead_step_ == step) {
    batch = ahead_.get();
  } else {
    if (ahead_.valid()) ahead_.wait();  // another step's (none happens in a loop that counts up)
    ahead_ = {};
    batch = make_(step);
  }
  if (ahead_on_ && step + 1 < steps_) {
    ahead_step_ = step + 1;
    ahead_ = std::async(std::launch::async, make_, step + 1);
  }
  return batch;
}

}  // namespace flamingo
