#include "core/train_replicas.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <exception>
#include <stdexcept>
#include <thread>

namespace flamingo {

ModelReplicas::ModelReplicas(const ModelConfig& config, WeightStore& weights, FlamingoModel& main, int count) {
  models_.push_back(&main);
  const auto used = weights.used_tensors();
  for (int r = 1; r < count; ++r) {
    std::map<std::string, at::Tensor> aliases;
    std::vector<std::pair<at::Tensor, at::Tensor>> leaves;
    for (const auto& [name, t] : used) {
      if (!t.requires_grad()) {
        aliases[name] = t;  // frozen: read by every thread, written by none
        continue;
      }
      auto leaf = t.detach().requires_grad_(true);  // same storage, its own .grad
      aliases[name] = leaf;
      leaves.emplace_back(t, leaf);
    }
    stores_.push_back(std::make_unique<WeightStore>(WeightStore::random(0, 0.0f, aliases)));
    owned_.push_back(std::make_unique<FlamingoModel>(config, *stores_.back(), at::kFloat, at::kCPU));
    // A store that invented a tensor would train a copy that is not the model.
    if (stores_.back()->used_tensors().size() != used.size())
      throw std::logic_error("a model copy asked for tensors the trained model does not have");
    models_.push_back(owned_.back().get());
    leaves_.push_back(std::move(leaves));
  }
}

void ModelReplicas::gather_grads() {
  at::NoGradGuard no_grad;
  for (auto& leaves : leaves_)
    for (auto& [main, copy] : leaves) {
      if (!copy.grad().defined()) continue;
      if (main.grad().defined())
        main.mutable_grad().add_(copy.grad());
      else
        main.mutable_grad() = copy.grad().clone();
      copy.mutable_grad().reset();
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
