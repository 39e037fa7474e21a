#pragma once
// Internal to core/: streams converted tensors into a safetensors file. The
// header is computed from the shapes first; then each tensor is converted from
// its memory-mapped source to the output dtype a few MiB at a time and
// appended, so memory use stays small whatever the model's size. Atomic: a
// temporary file next to the target is renamed over it only when complete.
#include <iosfwd>
#include <string>
#include <vector>

#include "core/openflamingo_sources.h"

namespace flamingo {

struct OutputTensor {
  std::string name;
  const SourceTensor* source = nullptr;
  std::vector<int64_t> shape;  // the source's, or fewer rows in dim 0 (a truncated vocabulary)
};

// `dtype` is DType::F32 or DType::BF16. A write error (a full disk) is a
// FileError naming `path`.
void write_converted_safetensors(const std::string& path, const std::vector<OutputTensor>& tensors,
                                 DType dtype, std::ostream& log);

}  // namespace flamingo
