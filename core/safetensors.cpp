#include "core/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include "core/error.h"

namespace flamingo {
namespace {

using nlohmann::json;

// The header is parsed into a DOM, so its size bounds the memory a hostile file
// can make us use. Real headers are kilobytes; 100 MB leaves a wide margin.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;
// A valid header nests three deep (object, entry, shape); more is only an
// attack or junk.
constexpr int kMaxJsonDepth = 16;
// Names and parser messages come from the file; keep error messages readable.
constexpr size_t kMaxQuotedChars = 200;

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8},   {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},   {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},
};

const DTypeEntry& dtype_entry(DType dtype) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.dtype == dtype) return entry;
  }
  throw ArgumentError("invalid DType value " + std::to_string(static_cast<int>(dtype)));
}

const DTypeEntry* find_dtype(const std::string& name) {
  for (const DTypeEntry& entry : kDTypes) {
    if (name == entry.name) return &entry;
  }
  return nullptr;
}

std::string os_message(int err) { return std::system_category().message(err); }

std::string truncated(const std::string& text) {
  if (text.size() <= kMaxQuotedChars) return text;
  return text.substr(0, kMaxQuotedChars) + "...";
}

std::string quote_name(const std::string& name) { return "'" + truncated(name) + "'"; }

std::string offsets_text(uint64_t begin, uint64_t end) {
  return "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// Byte size of a tensor, or false when it does not fit in 64 bits. Any zero
// dimension makes the tensor empty however large the others are.
bool checked_byte_size(const std::vector<int64_t>& shape, DType dtype, uint64_t* out) {
  if (std::any_of(shape.begin(), shape.end(), [](int64_t dim) { return dim < 0; })) return false;
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
    *out = 0;
    return true;
  }
  uint64_t bytes = dtype_size(dtype);
  for (int64_t dim : shape) {
    const auto udim = static_cast<uint64_t>(dim);
    if (bytes > std::numeric_limits<uint64_t>::max() / udim) return false;
    bytes *= udim;
  }
  *out = bytes;
  return true;
}

// ---- Reading --------------------------------------------------------------

// Watches the JSON parser for what the DOM would hide or what would make it
// big. Duplicate keys: the DOM keeps only the last one, while the spec forbids
// them and another reader may keep the first, so two programs would see
// different tensors in one file. Deep nesting: no valid header needs it. After
// the first problem every value is discarded, so little more gets stored.
class JsonGuard {
 public:
  bool on_event(int depth, json::parse_event_t event, const json& parsed) {
    if (!problem_.empty()) return false;
    using Event = json::parse_event_t;
    if ((event == Event::object_start || event == Event::array_start) && depth >= kMaxJsonDepth) {
      problem_ = "header JSON is nested more than " + std::to_string(kMaxJsonDepth) + " deep";
    } else if (event == Event::object_start) {
      open_objects_.emplace_back();
    } else if (event == Event::object_end && !open_objects_.empty()) {
      open_objects_.pop_back();
    } else if (event == Event::key && !open_objects_.empty()) {
      check_key(parsed.get_ref<const std::string&>());
    }
    return problem_.empty();
  }
  const std::string& problem() const { return problem_; }

 private:
  void check_key(const std::string& key) {
    const bool top_level = open_objects_.size() == 1;
    if (top_level) top_level_key_ = key;
    if (open_objects_.back().insert(key).second) return;
    problem_ =
        "duplicate key " + quote_name(key) +
        (top_level ? std::string(" in the header") : " inside " + quote_name(top_level_key_));
  }

  std::vector<std::set<std::string>> open_objects_;  // keys seen, per open object
  std::string top_level_key_;
  std::string problem_;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& file_name, uint64_t data_size)
      : file_name_(file_name), data_size_(data_size) {}

  [[noreturn]] void fail(const std::string& problem) const { throw FileError(file_name_, problem); }
  [[noreturn]] void fail_tensor(const std::string& name, const std::string& problem) const {
    fail("tensor " + quote_name(name) + ": " + problem);
  }

  json parse_json(const uint8_t* begin, size_t length) const;
  TensorInfo parse_tensor(const std::string& name, const json& entry) const;
  std::map<std::string, std::string> parse_metadata(const json& value) const;
  void check_overlaps(const std::vector<TensorInfo>& sorted) const;

 private:
  const json& field(const std::string& name, const json& entry, const char* key) const;
  DType parse_dtype_field(const std::string& name, const json& value) const;
  std::vector<int64_t> parse_shape(const std::string& name, const json& value) const;
  std::pair<uint64_t, uint64_t> parse_offsets(const std::string& name, const json& value) const;

  const std::string& file_name_;
  uint64_t data_size_;
};

json HeaderParser::parse_json(const uint8_t* begin, size_t length) const {
  JsonGuard guard;
  json::parser_callback_t watch = [&guard](int depth, json::parse_event_t event, json& parsed) {
    return guard.on_event(depth, event, parsed);
  };
  json header;
  try {
    header = json::parse(begin, begin + length, watch);
  } catch (const json::exception& e) {
    fail("header is not valid JSON: " + truncated(e.what()));
  }
  if (!guard.problem().empty()) fail(guard.problem());
  if (!header.is_object()) fail("header is not a JSON object");
  return header;
}

const json& HeaderParser::field(const std::string& name, const json& entry, const char* key) const {
  auto it = entry.find(key);
  if (it == entry.end()) fail_tensor(name, std::string("missing field \"") + key + "\"");
  return *it;
}

DType HeaderParser::parse_dtype_field(const std::string& name, const json& value) const {
  if (!value.is_string()) fail_tensor(name, "field \"dtype\" is not a string");
  const DTypeEntry* entry = find_dtype(value.get_ref<const std::string&>());
  if (entry == nullptr) {
    fail_tensor(name, "unknown dtype \"" + truncated(value.get_ref<const std::string&>()) + "\"");
  }
  return entry->dtype;
}

std::vector<int64_t> HeaderParser::parse_shape(const std::string& name, const json& value) const {
  if (!value.is_array()) fail_tensor(name, "field \"shape\" is not an array");
  std::vector<int64_t> shape;
  shape.reserve(value.size());  // bounded by the header size
  for (const json& dim : value) {
    // The parser stores every integer >= 0 as unsigned; anything else here is
    // negative, fractional, or not a number at all.
    if (!dim.is_number_unsigned() ||
        dim.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail_tensor(name, "shape dimension " + std::to_string(shape.size()) +
                            " is not a non-negative integer");
    }
    shape.push_back(static_cast<int64_t>(dim.get<uint64_t>()));
  }
  return shape;
}

std::pair<uint64_t, uint64_t> HeaderParser::parse_offsets(const std::string& name,
                                                          const json& value) const {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number_unsigned() ||
      !value[1].is_number_unsigned()) {
    fail_tensor(name, "field \"data_offsets\" is not an array of two non-negative integers");
  }
  const auto begin = value[0].get<uint64_t>();
  const auto end = value[1].get<uint64_t>();
  if (begin > end) fail_tensor(name, offsets_text(begin, end) + ": begin is after end");
  if (end > data_size_) {
    fail_tensor(name, offsets_text(begin, end) + " out of range: the data section has only " +
                          std::to_string(data_size_) + " bytes (truncated file?)");
  }
  return {begin, end};
}

TensorInfo HeaderParser::parse_tensor(const std::string& name, const json& entry) const {
  if (!entry.is_object()) fail_tensor(name, "entry is not a JSON object");
  TensorInfo info;
  info.name = name;
  info.dtype = parse_dtype_field(name, field(name, entry, "dtype"));
  info.shape = parse_shape(name, field(name, entry, "shape"));
  const auto [begin, end] = parse_offsets(name, field(name, entry, "data_offsets"));
  uint64_t expected = 0;
  if (!checked_byte_size(info.shape, info.dtype, &expected)) {
    fail_tensor(name, "shape is too large: its byte size overflows 64 bits");
  }
  if (expected != end - begin) {
    fail_tensor(name, offsets_text(begin, end) + " hold " + std::to_string(end - begin) +
                          " bytes but the shape needs " + std::to_string(expected) + " bytes of " +
                          dtype_name(info.dtype) + " (size mismatch)");
  }
  info.offset = static_cast<size_t>(begin);
  info.nbytes = static_cast<size_t>(expected);
  return info;
}

std::map<std::string, std::string> HeaderParser::parse_metadata(const json& value) const {
  if (!value.is_object()) fail("__metadata__ is not a JSON object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string())
      fail("__metadata__ value for key " + quote_name(key) + " is not a string");
    metadata.emplace(key, item.get<std::string>());
  }
  return metadata;
}

// Empty tensors occupy no bytes, so they cannot overlap anything. Among the
// others, sorted by offset, the previous tensor always has the largest end as
// long as no overlap has been seen yet.
void HeaderParser::check_overlaps(const std::vector<TensorInfo>& sorted) const {
  const TensorInfo* previous = nullptr;
  for (const TensorInfo& info : sorted) {
    if (info.nbytes == 0) continue;
    if (previous != nullptr && info.offset < previous->offset + previous->nbytes) {
      fail("tensors " + quote_name(previous->name) + " and " + quote_name(info.name) +
           " overlap in the data section");
    }
    previous = &info;
  }
}

uint64_t read_u64_le(const uint8_t* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// ---- Writing --------------------------------------------------------------

// Byte sizes of the tensors, after checking what a caller could get wrong.
std::vector<uint64_t> checked_sizes(const std::vector<TensorToWrite>& tensors) {
  std::set<std::string> names;
  std::vector<uint64_t> sizes;
  for (const TensorToWrite& t : tensors) {
    if (t.name == "__metadata__") throw ArgumentError("tensor name '__metadata__' is reserved");
    if (!names.insert(t.name).second)
      throw ArgumentError("duplicate tensor name " + quote_name(t.name));
    uint64_t bytes = 0;
    if (!checked_byte_size(t.shape, t.dtype, &bytes)) {
      throw ArgumentError("tensor " + quote_name(t.name) + " has a negative or too large shape");
    }
    if (bytes > 0 && t.data == nullptr) {
      throw ArgumentError("tensor " + quote_name(t.name) + " has no data for its " +
                          std::to_string(bytes) + " bytes");
    }
    sizes.push_back(bytes);
  }
  return sizes;
}

// The 8-byte length plus the JSON, padded with spaces so that the data section
// starts 8-byte aligned.
std::string build_header(const std::vector<TensorToWrite>& tensors,
                         const std::vector<uint64_t>& sizes,
                         const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  uint64_t offset = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (sizes[i] > std::numeric_limits<uint64_t>::max() - offset) {
      throw ArgumentError("the tensors' total size overflows 64 bits");
    }
    header[tensors[i].name] = {{"dtype", dtype_name(tensors[i].dtype)},
                               {"shape", tensors[i].shape},
                               {"data_offsets", json::array({offset, offset + sizes[i]})}};
    offset += sizes[i];
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {
    throw ArgumentError(std::string("tensor names and metadata must be valid UTF-8: ") + e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return out + text;
}

// A temporary file that disappears unless committed by renaming it over the
// target, so that a failed write never leaves a half file behind.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : target_(target), path_(target + ".tmp") {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot create the temporary file " + path_, errno);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const void* data, uint64_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(size, 1u << 30));
      const ssize_t written = ::write(fd_, bytes, chunk);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) fail("writing " + path_ + " failed", written < 0 ? errno : EIO);
      bytes += written;
      size -= static_cast<uint64_t>(written);
    }
  }

  // fsync before rename: otherwise a crash could leave the new name pointing at
  // a file whose data never reached the disk.
  void commit() {
    if (::fsync(fd_) != 0) fail("syncing " + path_ + " failed", errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail("closing " + path_ + " failed", errno);
    if (::rename(path_.c_str(), target_.c_str()) != 0) {
      fail("renaming " + path_ + " over it failed", errno);
    }
    committed_ = true;
  }

 private:
  [[noreturn]] void fail(const std::string& what, int err) const {
    throw FileError(target_, what + ": " + os_message(err));
  }

  std::string target_;
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

size_t dtype_size(DType dtype) { return dtype_entry(dtype).size; }

const char* dtype_name(DType dtype) { return dtype_entry(dtype).name; }

DType parse_dtype(const std::string& name) {
  const DTypeEntry* entry = find_dtype(name);
  if (entry == nullptr) throw ArgumentError("unknown dtype '" + truncated(name) + "'");
  return entry->dtype;
}

SafetensorsHeader parse_safetensors_header(const uint8_t* data, size_t size,
                                           const std::string& file_name) {
  if (size < 8) {
    throw FileError(file_name, "file is too short (" + std::to_string(size) +
                                   " bytes) to hold the 8-byte header length");
  }
  const uint64_t header_length = read_u64_le(data);
  if (header_length > kMaxHeaderBytes) {
    throw FileError(file_name, "header length " + std::to_string(header_length) +
                                   " exceeds the limit of " + std::to_string(kMaxHeaderBytes) +
                                   " bytes");
  }
  if (header_length > size - 8) {
    throw FileError(file_name, "header length " + std::to_string(header_length) +
                                   " runs past the end of the file (" + std::to_string(size) +
                                   " bytes)");
  }
  SafetensorsHeader result;
  result.data_start = 8 + static_cast<size_t>(header_length);
  const HeaderParser parser(file_name, size - result.data_start);
  const json header = parser.parse_json(data + 8, static_cast<size_t>(header_length));
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      result.metadata = parser.parse_metadata(entry);
    } else {
      result.tensors.push_back(parser.parse_tensor(name, entry));
    }
  }
  std::sort(result.tensors.begin(), result.tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) {
              return std::tie(a.offset, a.nbytes, a.name) < std::tie(b.offset, b.nbytes, b.name);
            });
  parser.check_overlaps(result.tensors);
  return result;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  // O_NONBLOCK: opening a FIFO must not hang; it is rejected below anyway.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw FileError(path, "cannot open: " + os_message(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw FileError(path, "cannot stat: " + os_message(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw FileError(path,
                    "not a regular file: " + os_message(S_ISDIR(st.st_mode) ? EISDIR : EINVAL));
  }
  if (st.st_size == 0) {
    ::close(fd);
    throw FileError(path, "file is empty (0 bytes), not safetensors");
  }
  void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_err = errno;
  ::close(fd);  // the mapping keeps the file alive
  if (map == MAP_FAILED) throw FileError(path, "cannot mmap: " + os_message(map_err));
  map_ = map;
  size_ = static_cast<size_t>(st.st_size);
  try {
    header_ = parse_safetensors_header(static_cast<const uint8_t*>(map_), size_, path_);
  } catch (...) {
    ::munmap(map_, size_);  // the destructor does not run for a throwing constructor
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      map_(std::exchange(other.map_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      header_(std::exchange(other.header_, SafetensorsHeader{})) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    if (map_ != nullptr) ::munmap(map_, size_);
    path_ = std::move(other.path_);
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
    header_ = std::exchange(other.header_, SafetensorsHeader{});
  }
  return *this;
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  for (const TensorInfo& info : header_.tensors) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const void* SafetensorsFile::data(const TensorInfo& info) const {
  // Catches an info taken from another file, which would otherwise read out of
  // this mapping.
  const size_t data_size = size_ - std::min(size_, header_.data_start);
  if (info.offset > data_size || info.nbytes > data_size - info.offset) {
    throw ArgumentError("tensor " + quote_name(info.name) + " lies outside " + path_);
  }
  return static_cast<const uint8_t*>(map_) + header_.data_start + info.offset;
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::vector<uint64_t> sizes = checked_sizes(tensors);
  const std::string header = build_header(tensors, sizes, metadata);
  TempFile file(path);
  file.write(header.data(), header.size());
  for (size_t i = 0; i < tensors.size(); ++i) file.write(tensors[i].data, sizes[i]);
  file.commit();
}

}  // namespace flamingo
