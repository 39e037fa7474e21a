#pragma once
// Internal to core/: the named tensors of a model directory, memory-mapped.
// Included only by core/ sources (it pulls in ATen's Tensor type).
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace flamingo {

class SafetensorsFile;

class WeightStore {
 public:
  // Opens `dir`/model.safetensors, or every shard listed in
  // `dir`/model.safetensors.index.json ({"weight_map": {name: file}}).
  static WeightStore open(const std::string& dir);
  // Wraps tensors that already live in memory (random init, tests, converters).
  static WeightStore from_tensors(std::map<std::string, at::Tensor> tensors);

  // A store that invents every tensor asked of it: LayerNorm and RMSNorm weights
  // 1, biases 0, gates `gate`, everything else normal(0, 0.02). For building
  // untrained models (tests, benchmarks, the start of training).
  // Tensors in `preset` (e.g. trained by an earlier stage) are used as they are.
  // A `dtype` other than float32 draws the matrices in that dtype directly, from
  // uniform(-a, a) with the same standard deviation (faster, and no float32 copy
  // of a multi-billion-parameter model: the benchmarks).
  static WeightStore random(uint64_t seed, float gate,
                            std::map<std::string, at::Tensor> preset = {},
                            at::ScalarType dtype = at::kFloat);
  // Every tensor asked for so far, by name: the parameters of a model to train.
  std::vector<std::pair<std::string, at::Tensor>> used_tensors() const;
  // Writes every tensor asked for so far, as float32 or bfloat16.
  void save(const std::string& path, at::ScalarType dtype) const;

  // The tensor `name` with exactly `shape`, as `dtype` on `device`. Zero-copy
  // (a view of the mapping) when the stored dtype and the device already match.
  // A missing name or a wrong shape is a FileError naming the file and tensor.
  at::Tensor get(const std::string& name, const std::vector<int64_t>& shape,
                 at::ScalarType dtype, at::Device device);
  bool contains(const std::string& name) const;

  // Fails, listing them, when the files hold tensors that no module asked for:
  // a sign of a wrong or mismatched model.
  void check_all_used() const;

 private:
  struct Entry {
    std::shared_ptr<SafetensorsFile> file;  // null for in-memory tensors
    at::Tensor tensor;                      // a view of the mapping, or the tensor itself
  };
  std::string where(const std::string& name) const;

  at::Tensor invent(const std::string& name, const std::vector<int64_t>& shape);

  bool random_ = false;
  float gate_ = 0;
  at::ScalarType random_dtype_ = at::kFloat;
  std::string dir_;
  std::map<std::string, Entry> entries_;
  std::set<std::string> used_;
};

}  // namespace flamingo
