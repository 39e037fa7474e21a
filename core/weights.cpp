#include "core/weights.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "core/safetensors.h"

namespace flamingo {
namespace {

at::ScalarType to_scalar_type(DType d) {
  switch (d) {
    case DType::F64: return at::kDouble;
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::I16: return at::kShort;
    case DType::I8: return at::kChar;
    case DType::U8: return at::kByte;
    case DType::BOOL: return at::kBool;
  }
  return at::kFloat;
}

std::string shape_string(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Shard file names from the Hugging Face index convention.
std::vector<std::string> shard_files(const std::string& index_path) {
  std::ifstream in(index_path);
  if (!in) throw FileError(index_path, "cannot be opened");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(index_path, std::string("invalid JSON: ") + e.what());
  }
  if (!j.contains("weight_map") || !j["weight_map"].is_object())
    throw FileError(index_path, "missing the \"weight_map\" object");
  std::set<std::string> files;
  for (const auto& [name, file] : j["weight_map"].items()) {
    if (!file.is_string()) throw FileError(index_path, "\"weight_map." + name + "\" is not a file name");
    files.insert(file.get<std::string>());
  }
  return {files.begin(), files.end()};
}

}  // namespace

WeightStore WeightStore::open(const std::string& dir) {
  namespace fs = std::filesystem;
  WeightStore store;
  store.dir_ = dir;
  std::vector<std::string> files;
  const std::string index = dir + "/model.safetensors.index.json";
  if (fs::exists(index)) {
    for (const auto& f : shard_files(index)) files.push_back(dir + "/" + f);
  } else {
    files.push_back(dir + "/model.safetensors");
  }
  for (const auto& path : files) {
    auto file = std::make_shared<SafetensorsFile>(path);
    for (const auto& info : file->tensors()) {
      if (store.entries_.count(info.name))
        throw FileError(path, "tensor \"" + info.name + "\" also appears in another shard");
      // Shape [] (a scalar) maps to a 0-d tensor; from_blob never copies.
      auto t = at::from_blob(const_cast<void*>(file->data(info)), info.shape,
                             at::TensorOptions().dtype(to_scalar_type(info.dtype)));
      store.entries_[info.name] = Entry{file, t};
    }
  }
  return store;
}

WeightStore WeightStore::from_tensors(std::map<std::string, at::Tensor> tensors) {
  WeightStore store;
  store.dir_ = "(in memory)";
  for (auto& [name, t] : tensors) store.entries_[name] = Entry{nullptr, t};
  return store;
}

std::string WeightStore::where(const std::string& name) const {
  auto it = entries_.find(name);
  if (it != entries_.end() && it->second.file) return it->second.file->path();
  return dir_;
}

WeightStore WeightStore::random(uint64_t seed, float gate, std::map<std::string, at::Tensor> preset,
                                at::ScalarType dtype) {
  WeightStore store;
  for (auto& [name, t] : preset) store.entries_[name] = Entry{nullptr, t};
  store.dir_ = "(random)";
  store.random_ = true;
  store.gate_ = gate;
  store.random_dtype_ = dtype;
  at::manual_seed(seed);
  return store;
}

at::Tensor WeightStore::invent(const std::string& name, const std::vector<int64_t>& shape) {
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  // LayerNorms: "norm" (LLaMA, MPT, GPT-NeoX), "ln_" (CLIP, MosaicGPT), MPT's
  // q_ln and k_ln, and the first module of OpenFlamingo's feed-forward Sequentials
  // (ff.0 in a gated block, perceiver.layers.{k}.1.0). Matched at the end of the
  // name: perceiver.layers.1.0.to_q.weight is layer 1's attention, not a norm.
  const bool norm = name.find("norm") != std::string::npos || name.find("ln_") != std::string::npos ||
                    name.find("_ln.") != std::string::npos ||
                    ends_with(".ff.0.weight") || ends_with(".1.0.weight");
  if (ends_with("_gate")) return at::full(shape, gate_);
  if (ends_with(".bias")) return at::zeros(shape);
  if (norm && ends_with(".weight")) return at::ones(shape);
  if (random_dtype_ != at::kFloat) {
    const double a = 0.02 * std::sqrt(3.0);  // uniform(-a, a) has standard deviation 0.02
    return at::empty(shape, at::TensorOptions().dtype(random_dtype_)).uniform_(-a, a);
  }
  return at::randn(shape) * 0.02;
}

std::vector<std::pair<std::string, at::Tensor>> WeightStore::used_tensors() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& name : used_) out.emplace_back(name, entries_.at(name).tensor);
  return out;
}

void WeightStore::save(const std::string& path, at::ScalarType dtype) const {
  std::vector<at::Tensor> keep;  // converted copies live until the write ends
  std::vector<TensorToWrite> out;
  for (const auto& name : used_) {
    auto t = entries_.at(name).tensor.detach();
    if (t.is_floating_point()) t = t.to(dtype);
    t = t.to(at::kCPU).contiguous();
    keep.push_back(t);
    out.push_back({name, t.scalar_type() == at::kBFloat16 ? DType::BF16 : DType::F32,
                   t.sizes().vec(), t.data_ptr()});
  }
  write_safetensors(path, out, {{"format", "pt"}});
}

bool WeightStore::contains(const std::string& name) const { return entries_.count(name) > 0; }

at::Tensor WeightStore::get(const std::string& name, const std::vector<int64_t>& shape,
                            at::ScalarType dtype, at::Device device) {
  auto it = entries_.find(name);
  if (it == entries_.end() && random_) it = entries_.emplace(name, Entry{nullptr, invent(name, shape)}).first;
  if (it == entries_.end()) throw FileError(where(name), "missing tensor \"" + name + "\"");
  const at::Tensor& t = it->second.tensor;
  if (t.sizes() != at::IntArrayRef(shape))
    throw FileError(where(name), "tensor \"" + name + "\" has shape " + shape_string(t.sizes()) +
                                     ", expected " + shape_string(shape));
  used_.insert(name);
  if (t.scalar_type() == dtype && t.device() == device) return t;
  return t.to(device, dtype);
}

void WeightStore::check_all_used() const {
  std::string extra;
  int count = 0;
  for (const auto& [name, entry] : entries_) {
    if (used_.count(name)) continue;
    if (count++ < 10) extra += (extra.empty() ? "" : ", ") + name;
  }
  if (count > 0)
    throw FileError(dir_, std::to_string(count) + " tensor(s) that this model's config does not use: " +
                              extra + (count > 10 ? ", ..." : "") +
                              " (is config.json right for these weights?)");
}

}  // namespace flamingo
