#include "core/train_replicas.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <map>

#include <exception>
#include <stdexcept>
#include <thread>

namespace flamingo {

ModelReplicas::ModelReplicas(const ModelConfig& config, WeightStore& weights, FlamingoModel& main, int count)
    : main_(main) {
  const auto used = weights.used_tensors();
  for (int r = 1; r < count; ++r) {
    Copy copy;
    std::map<std::string, at::Tensor> aliases;
    for (const auto& [name, t] : used) {
      if (!t.requires_grad()) {
        aliases[name] = t;  // frozen: read by every thread, written by none
        continue;
      }
      auto leaf = t.detach().requires_grad_(true);  // same storage, its own .grad
      aliases[name] = leaf;
      copy.leaves.emplace_back(t, leaf);
    }
    copy.weights = std::make_unique<WeightStore>(WeightStore::random(0, 0.0f, aliases));
    copy.model = std::make_unique<FlamingoModel>(config, *copy.weights, at::kFloat, at::kCPU);
    // A store that invented a tensor would train a copy that is not the model.
    if (copy.weights->used_tensors().size() != used.size())
      throw std::logic_error("a model copy asked for tensors the trained model does not have");
    copies_.push_back(std::move(copy));
  }
}

void ModelReplicas::gather_grads() {
  at::NoGradGuard no_grad;
  for (auto& copy : copies_)
    for (auto& [main, leaf] : copy.leaves) {
      if (!leaf.grad().defined()) continue;
      if (main.grad().defined())
        main.mutable_grad().add_(leaf.grad());
      else
        main.mutable_grad() = leaf.grad().clone();
      leaf.mutable_grad().reset();
    }
}

void run_slices(int n, int workers, int threads, const std::function<void(int, int, int)>& work) {
  workers = std::max(1, std::min(workers, n));
  std::vector<std::exception_ptr> errors(workers);
  auto slice = [&](int w) {
    try {
      work(w, n * w / workers, n * (w + 1) / workers);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  std::vector<std::thread> others;
  for (int w = 1; w < workers; ++w)
    others.emplace_back([&, w] {
      at::set_num_threads(threads);  // a new thread starts with OpenMP's default, not this process's
      slice(w);
    });
  slice(0);
  for (auto& t : others) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace flamingo
