#pragma once
// The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON mapping tensor names to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the end of
// the header) plus an optional "__metadata__" map of strings, then the data.
//
// The reader memory-maps the file and validates the whole header before handing
// out any pointer: a malformed file ends in a FileError naming the file and the
// problem, never a crash, a hang or a huge allocation. No LibTorch here.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace flamingo {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);  // "F32", "BF16", ...
// Throws ArgumentError naming `name` when it is not a known dtype.
DType parse_dtype(const std::string& name);

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  size_t offset = 0;  // from the start of the data section
  size_t nbytes = 0;
};

struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;  // sorted by offset
  std::map<std::string, std::string> metadata;
  size_t data_start = 0;  // 8 + header length
};

// Parses and validates the header of a complete file image of `size` bytes.
// `file_name` only goes into error messages. Pure function: the fuzz target.
SafetensorsHeader parse_safetensors_header(const uint8_t* data, size_t size,
                                           const std::string& file_name);

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);  // mmap + validate
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return header_.tensors; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  const TensorInfo* find(const std::string& name) const;  // nullptr when absent
  // Start of a tensor's bytes inside the mapping; valid while this object lives.
  const void* data(const TensorInfo& info) const;

 private:
  std::string path_;
  void* map_ = nullptr;
  size_t size_ = 0;
  SafetensorsHeader header_;
};

struct TensorToWrite {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  const void* data = nullptr;  // nbytes = product(shape) * dtype_size(dtype)
};

// Writes atomically (a temporary file next to `path`, then rename), so a full
// disk or a crash leaves any previous file intact; a write error is a FileError.
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace flamingo
