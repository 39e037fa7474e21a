#pragma once
// Reads PyTorch's zip serialisation without PyTorch: files written by
// torch.save (since 1.6: `<root>/data.pkl`, `<root>/data/<key>` storages,
// `<root>/version`) and TorchScript archives written by torch.jit.save (the
// same data.pkl, plus code/ and constants.pkl). The file is memory-mapped and
// data.pkl is run through a small pickle interpreter (core/pickle_reader.h)
// that understands torch._utils._rebuild_tensor_v2, _rebuild_parameter and the
// typed storage classes. Tensors come back as views of the mapping (dtype,
// shape, strides, pointer), named by their path in the pickled tree:
// "key" for a state dict, "visual.transformer.resblocks.0.attn.in_proj_weight"
// for a TorchScript module's attributes. No LibTorch here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/safetensors.h"  // DType

namespace flamingo {

class ZipArchive;

struct ArchiveTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;  // in elements, as torch reports them
  int64_t storage_offset = 0;    // in elements
  const uint8_t* storage = nullptr;
  std::string storage_entry;     // the zip entry holding the storage

  const void* data() const {
    return storage + static_cast<size_t>(storage_offset) * dtype_size(dtype);
  }
  int64_t numel() const;
  bool is_contiguous() const;
};

class TorchArchive {
 public:
  // Maps `path` and reads its data.pkl; a non-zip (pre-1.6) file, a corrupted
  // zip or pickle, or a tensor outside its storage is a FileError naming `path`.
  explicit TorchArchive(const std::string& path);
  ~TorchArchive();
  TorchArchive(TorchArchive&&) noexcept;
  TorchArchive& operator=(TorchArchive&&) noexcept;

  const std::string& path() const { return path_; }
  bool is_torchscript() const { return torchscript_; }
  const std::vector<ArchiveTensor>& tensors() const { return tensors_; }
  const ArchiveTensor* find(const std::string& name) const;  // nullptr when absent
  // Checks the CRC-32 of the tensor's storage entry (each entry once).
  void verify(const ArchiveTensor& tensor);

 private:
  std::string path_;
  std::unique_ptr<ZipArchive> zip_;
  bool torchscript_ = false;
  std::vector<ArchiveTensor> tensors_;
  std::vector<std::string> verified_;
};

}  // namespace flamingo
