#include "core/train_loop.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/safetensors.h"

namespace flamingo {

AdamW::AdamW(std::vector<ParamGroup> groups, const ScheduleOptions& schedule)
    : groups_(std::move(groups)), schedule_(schedule) {
  for (auto& g : groups_)
    for (auto& [name, p] : g.params) {
      m_[name] = at::zeros_like(p);
      v_[name] = at::zeros_like(p);
    }
}

double AdamW::learning_rate(int step) const {
  const auto& s = schedule_;
  const double floor = s.lr * s.min_lr_ratio;
  auto cosine = [](double progress) { return 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress))); };
  if (s.tuning(step))
    return floor + (s.tune_lr - floor) * cosine(double(step - s.tune_from) / (s.total_steps - s.tune_from));
  if (step < s.warmup_steps) return s.lr * (step + 1) / s.warmup_steps;
  const int length = s.cosine_steps > 0 ? s.cosine_steps : s.total_steps;
  return floor + (s.lr - floor) * cosine(double(step - s.warmup_steps) / std::max(1, length - s.warmup_steps));
}

double AdamW::step() {
  double total = 0;
  for (auto& g : groups_)
    for (auto& [name, p] : g.params)
      if (p.grad().defined()) total += p.grad().pow(2).sum().item<double>();
  const double norm = std::sqrt(total);
  const double clip = norm > schedule_.clip_norm ? schedule_.clip_norm / (norm + 1e-6) : 1.0;
  const double lr = learning_rate(step_);
  ++step_;
  const double bc1 = 1 - std::pow(beta1_, step_), bc2 = 1 - std::pow(beta2_, step_);
  at::NoGradGuard no_grad;
  for (auto& g : groups_) {
    const double glr = lr * g.lr_scale;
    for (auto& [name, p] : g.params) {
      if (!p.grad().defined()) continue;
      auto grad = p.grad() * clip;
      auto& m = m_[name];
      auto& v = v_[name];
      m.mul_(beta1_).add_(grad, 1 - beta1_);
      v.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
      p.mul_(1 - glr * g.weight_decay);  // decoupled weight decay
      p.addcdiv_(m / bc1, (v / bc2).sqrt_().add_(eps_), -glr);
      p.mutable_grad().reset();
    }
  }
  return norm;
}

void AdamW::save(const std::string& dir) const {
  std::filesystem::create_directories(dir);
  std::vector<at::Tensor> keep;
  std::vector<TensorToWrite> params, moments;
  for (const auto& g : groups_)
    for (const auto& [name, p] : g.params) {
      for (auto* t : {&p, &m_.at(name), &v_.at(name)}) keep.push_back(t->detach().contiguous());
      const auto n = keep.size();
      params.push_back({name, DType::F32, p.sizes().vec(), keep[n - 3].data_ptr()});
      moments.push_back({name + ".m", DType::F32, p.sizes().vec(), keep[n - 2].data_ptr()});
      moments.push_back({name + ".v", DType::F32, p.sizes().vec(), keep[n - 1].data_ptr()});
    }
  write_safetensors(dir + "/params.safetensors", params);
  write_safetensors(dir + "/optimizer.safetensors", moments, {{"step", std::to_string(step_)}});
}

void AdamW::load(const std::string& dir) {
  SafetensorsFile params(dir + "/params.safetensors");
  SafetensorsFile moments(dir + "/optimizer.safetensors");
  auto copy_into = [](const SafetensorsFile& f, const std::string& name, at::Tensor& dst) {
    const TensorInfo* info = f.find(name);
    if (!info || info->dtype != DType::F32 || info->shape != dst.sizes().vec())
      throw FileError(f.path(), "no float32 tensor \"" + name + "\" of the expected shape");
    auto src = at::from_blob(const_cast<void*>(f.data(*info)), info->shape, at::kFloat);
    at::NoGradGuard no_grad;
    dst.copy_(src);
  };
  for (auto& g : groups_)
    for (auto& [name, p] : g.params) {
      copy_into(params, name, p);
      copy_into(moments, name + ".m", m_[name]);
      copy_into(moments, name + ".v", v_[name]);
    }
  auto it = moments.metadata().find("step");
  if (it == moments.metadata().end()) throw FileError(moments.path(), "no \"step\" in the metadata");
  step_ = std::stoi(it->second);
}

Progress::Progress(std::ostream& out, std::string stage, int total, int first_step)
    : out_(out), stage_(std::move(stage)), total_(total), first_(first_step),
      start_(std::chrono::steady_clock::now()) {}

void Progress::report(int step, double loss, double lr) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = (step - first_) / std::max(seconds, 1e-9);
  const int eta = rate > 0 ? int((total_ - step) / rate) : 0;
  out_ << "[" << stage_ << "] step " << step << "/" << total_ << "  loss " << std::fixed
       << std::setprecision(4) << loss << "  lr " << std::scientific << std::setprecision(2) << lr
       << std::fixed << std::setprecision(2) << "  " << rate << " steps/s  ETA " << eta / 60 << "m"
       << std::setw(2) << std::setfill('0') << eta % 60 << "s" << std::setfill(' ') << std::endl;
}

}  // namespace flamingo
