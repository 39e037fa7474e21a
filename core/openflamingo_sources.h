#pragma once
// Internal to core/: the tensors of the converter's inputs, whatever their file
// format: PyTorch zip archives (pytorch_model.bin, checkpoint.pt, TorchScript
// .pt) and safetensors files, single or sharded by a Hugging Face
// *.index.json ({"weight_map": {name: shard file}}). Every tensor is a view of
// a memory mapping; nothing is copied. No LibTorch here.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/safetensors.h"

namespace flamingo {

class TorchArchive;

struct SourceTensor {
  std::string name;
  std::string file;  // for messages
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;  // in elements
  const void* data = nullptr;
  TorchArchive* archive = nullptr;  // to verify the CRC of a zip entry; null for safetensors
};

class TensorSources {
 public:
  // A file (.bin/.pt/.pth zip archive, or .safetensors) or a directory holding
  // model.safetensors[.index.json] or pytorch_model.bin[.index.json].
  void add_path(const std::string& file_or_dir);
  void add_file(const std::string& file);

  const SourceTensor* find(const std::string& name) const;
  const std::map<std::string, SourceTensor>& all() const { return tensors_; }
  // Checks the stored CRC of the tensor's zip entry, if it has one.
  void verify(const SourceTensor& tensor) const;

 private:
  void add_index(const std::string& index_path);
  void add(SourceTensor tensor);

  std::vector<std::shared_ptr<TorchArchive>> archives_;
  std::vector<std::shared_ptr<SafetensorsFile>> safetensors_;
  std::map<std::string, SourceTensor> tensors_;
};

// The whole file as text; an unreadable file is a FileError.
std::string read_text_file(const std::string& path);

}  // namespace flamingo
