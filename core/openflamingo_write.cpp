#include "core/openflamingo_write.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <ostream>
#include <system_error>
#include <utility>

#include "core/error.h"
#include "core/torch_archive.h"

namespace flamingo {
namespace {

// About 16 MiB of float32 per converted piece: small next to any real tensor.
constexpr int64_t kChunkElements = int64_t{1} << 22;

at::ScalarType scalar_type(DType dtype, const SourceTensor& src) {
  switch (dtype) {
    case DType::F64: return at::kDouble;
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    default:
      throw FileError(src.file, "tensor '" + src.name + "' is " + dtype_name(dtype) +
                                    ", not a floating-point weight");
  }
}

// A file written under a temporary name and renamed over the target when done.
class AtomicFile {
 public:
  explicit AtomicFile(std::string target) : target_(std::move(target)), temp_(target_ + ".tmp") {
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot create " + temp_);
  }
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!done_) ::unlink(temp_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::write(fd_, bytes, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("writing " + temp_ + " failed (disk full?)");
      bytes += n;
      size -= static_cast<size_t>(n);
    }
  }
  void commit() {
    if (::fsync(fd_) != 0) fail("syncing " + temp_ + " failed");
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail("closing " + temp_ + " failed");
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("renaming " + temp_ + " failed");
    done_ = true;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FileError(target_, what + ": " + std::system_category().message(errno == 0 ? EIO : errno));
  }
  std::string target_, temp_;
  int fd_ = -1;
  bool done_ = false;
};

int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// The 8-byte little-endian length, then the JSON header padded with spaces to
// a multiple of 8 (the safetensors layout, docs/safetensors.md).
std::string make_header(const std::vector<OutputTensor>& tensors, DType dtype) {
  nlohmann::json header = nlohmann::json::object();
  uint64_t offset = 0;
  for (const OutputTensor& t : tensors) {
    const uint64_t bytes = static_cast<uint64_t>(numel(t.shape)) * dtype_size(dtype);
    header[t.name] = {{"dtype", dtype_name(dtype)}, {"shape", t.shape},
                      {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  header["__metadata__"] = {{"format", "pt"}, {"converted_by", "flamingo convert-openflamingo"}};
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return out + text;
}

// Converts one tensor to `out` a chunk of rows at a time and appends it.
void stream_tensor(const OutputTensor& t, at::ScalarType out, AtomicFile& file) {
  const SourceTensor& src = *t.source;
  if (src.archive != nullptr) {
    if (const ArchiveTensor* a = src.archive->find(src.name)) src.archive->verify(*a);
  }
  // [src.shape] with src.strides: a view of the mapping, no copy.
  at::Tensor view = at::from_blob(const_cast<void*>(src.data), src.shape, src.strides,
                                  at::TensorOptions().dtype(scalar_type(src.dtype, src)));
  if (view.dim() == 0 || numel(t.shape) == 0) {
    at::Tensor whole = view.reshape(t.shape).to(out).contiguous();
    file.write(whole.data_ptr(), whole.nbytes());
    return;
  }
  view = view.narrow(0, 0, t.shape[0]);  // [rows kept, ...]
  const int64_t row_elements = std::max<int64_t>(1, numel(t.shape) / t.shape[0]);
  const int64_t chunk_rows = std::max<int64_t>(1, kChunkElements / row_elements);
  for (int64_t row = 0; row < t.shape[0]; row += chunk_rows) {
    const int64_t n = std::min(chunk_rows, t.shape[0] - row);
    at::Tensor piece = view.narrow(0, row, n).to(out).contiguous();  // [n, ...] in `out`
    file.write(piece.data_ptr(), piece.nbytes());
  }
}

}  // namespace

void write_converted_safetensors(const std::string& path, const std::vector<OutputTensor>& tensors,
                                 DType dtype, std::ostream& log) {
  const at::ScalarType out = dtype == DType::BF16 ? at::kBFloat16 : at::kFloat;
  const std::string header = make_header(tensors, dtype);
  AtomicFile file(path);
  file.write(header.data(), header.size());
  size_t done = 0;
  for (const OutputTensor& t : tensors) {
    stream_tensor(t, out, file);
    if (++done % 64 == 0 || done == tensors.size()) {
      log << "  " << done << "/" << tensors.size() << " tensors written\n" << std::flush;
    }
  }
  file.commit();
}

}  // namespace flamingo
