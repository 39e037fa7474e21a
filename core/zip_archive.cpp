#include "core/zip_archive.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace flamingo {
namespace {

// Signatures and fixed sizes from PKWARE's APPNOTE.TXT (sections 4.3.7, 4.3.12,
// 4.3.14-4.3.16).
constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr size_t kLocalSize = 30;
constexpr size_t kCentralSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kEnd64LocatorSize = 20;
constexpr size_t kEnd64Size = 56;
constexpr uint16_t kZip64ExtraId = 0x0001;

uint64_t le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Bounds-checked reads from the mapping; anything past the end means a
// truncated or corrupted archive.
class Reader {
 public:
  Reader(const MappedFile& file) : file_(file) {}
  [[noreturn]] void fail(const std::string& problem) const { throw FileError(file_.path(), problem); }
  const uint8_t* at(uint64_t offset, uint64_t length, const char* what) const {
    if (offset > file_.size() || length > file_.size() - offset) {
      fail(std::string("truncated or corrupted zip: ") + what + " at byte " +
           std::to_string(offset) + " runs past the end of the file (" +
           std::to_string(file_.size()) + " bytes)");
    }
    return file_.data() + offset;
  }

 private:
  const MappedFile& file_;
};

struct Directory {
  uint64_t offset = 0;
  uint64_t count = 0;
};

Directory find_directory(const MappedFile& file, const Reader& r) {
  if (file.size() < kEndSize) r.fail("too short for a zip archive (truncated?)");
  // The end record sits in the last 64 KiB + 22 bytes (its comment is at most 65535).
  const size_t lowest = file.size() > kEndSize + 65535 ? file.size() - kEndSize - 65535 : 0;
  for (size_t pos = file.size() - kEndSize + 1; pos-- > lowest;) {
    const uint8_t* p = file.data() + pos;
    if (le(p, 4) != kEndSig) continue;
    Directory dir{le(p + 16, 4), le(p + 10, 2)};
    const bool zip64 = dir.offset == 0xffffffffu || dir.count == 0xffffu;
    if (zip64 || pos >= kEnd64LocatorSize) {
      const uint64_t loc_pos = pos >= kEnd64LocatorSize ? pos - kEnd64LocatorSize : 0;
      const uint8_t* loc = file.data() + loc_pos;
      if (pos >= kEnd64LocatorSize && le(loc, 4) == kEnd64LocatorSig) {
        const uint8_t* end64 = r.at(le(loc + 8, 8), kEnd64Size, "the ZIP64 end record");
        if (le(end64, 4) != kEnd64Sig) r.fail("corrupted zip: bad ZIP64 end record signature");
        dir.count = le(end64 + 32, 8);
        dir.offset = le(end64 + 48, 8);
      } else if (zip64) {
        r.fail("corrupted zip: ZIP64 sizes without a ZIP64 end record locator");
      }
    }
    return dir;
  }
  r.fail("not a zip archive or truncated: no end of central directory record");
}

// Replaces 32-bit fields saturated at 0xffffffff by their ZIP64 extra values, in
// the order APPNOTE 4.5.3 fixes: uncompressed size, compressed size, offset.
void apply_zip64(const Reader& r, const uint8_t* extra, size_t length, uint64_t* usize,
                 uint64_t* csize, uint64_t* offset) {
  size_t pos = 0;
  while (pos + 4 <= length) {
    const uint64_t id = le(extra + pos, 2);
    const uint64_t size = le(extra + pos + 2, 2);
    if (pos + 4 + size > length) r.fail("corrupted zip: an extra field runs past its header");
    if (id == kZip64ExtraId) {
      size_t field = pos + 4;
      for (uint64_t* value : {usize, csize, offset}) {
        if (*value != 0xffffffffu) continue;
        if (field + 8 > pos + 4 + size) r.fail("corrupted zip: short ZIP64 extra field");
        *value = le(extra + field, 8);
        field += 8;
      }
      return;
    }
    pos += 4 + size;
  }
}

ZipEntry read_central(const Reader& r, uint64_t* pos) {
  const uint8_t* c = r.at(*pos, kCentralSize, "a central directory entry");
  if (le(c, 4) != kCentralSig) r.fail("corrupted zip: bad central directory entry signature");
  const uint64_t method = le(c + 10, 2);
  const uint64_t name_len = le(c + 28, 2), extra_len = le(c + 30, 2), comment_len = le(c + 32, 2);
  const uint8_t* tail = r.at(*pos + kCentralSize, name_len + extra_len + comment_len,
                             "a central directory entry's name");
  ZipEntry e;
  e.name.assign(reinterpret_cast<const char*>(tail), name_len);
  e.crc32 = static_cast<uint32_t>(le(c + 16, 4));
  uint64_t csize = le(c + 20, 4), usize = le(c + 24, 4), local = le(c + 42, 4);
  apply_zip64(r, tail + name_len, extra_len, &usize, &csize, &local);
  // TorchScript deflates its code/ entries; only stored entries can be mapped.
  e.compressed = method != 0;
  if (!e.compressed && csize != usize) r.fail("corrupted zip: entry '" + e.name + "' has mismatched sizes");
  const uint8_t* l = r.at(local, kLocalSize, "a local file header");
  if (le(l, 4) != kLocalSig) {
    r.fail("corrupted zip: entry '" + e.name + "' has a bad local header offset " +
           std::to_string(local));
  }
  e.data_offset = local + kLocalSize + le(l + 26, 2) + le(l + 28, 2);
  e.size = csize;
  r.at(e.data_offset, e.size, ("the data of entry '" + e.name + "'").c_str());
  *pos += kCentralSize + name_len + extra_len + comment_len;
  return e;
}

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;  // IEEE 802.3
    table[i] = c;
  }
  return table;
}

}  // namespace

uint32_t crc32_of(const uint8_t* data, size_t size) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw FileError(path, "cannot open: " + std::system_category().message(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw FileError(path, "not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    throw FileError(path, "file is empty (0 bytes)");
  }
  map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    throw FileError(path, "cannot mmap: " + std::system_category().message(err));
  }
}

MappedFile::~MappedFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

ZipArchive::ZipArchive(const std::string& path) : file_(std::make_shared<MappedFile>(path)) {
  const Reader r(*file_);
  const Directory dir = find_directory(*file_, r);
  // Each entry takes at least 46 bytes, which bounds a hostile count.
  if (dir.count > file_->size() / kCentralSize) r.fail("corrupted zip: impossible entry count");
  uint64_t pos = dir.offset;
  for (uint64_t i = 0; i < dir.count; ++i) {
    ZipEntry e = read_central(r, &pos);
    const std::string name = e.name;
    if (!entries_.emplace(name, std::move(e)).second) {
      r.fail("corrupted zip: entry '" + name + "' appears twice");
    }
  }
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

const uint8_t* ZipArchive::data(const ZipEntry& entry) const {
  if (entry.compressed) {
    throw FileError(path(), "entry '" + entry.name + "' is compressed; PyTorch stores tensors and "
                            "data.pkl uncompressed (was the archive re-zipped?)");
  }
  return file_->data() + entry.data_offset;
}

void ZipArchive::verify(const ZipEntry& entry) const {
  if (crc32_of(data(entry), entry.size) != entry.crc32) {
    throw FileError(path(), "corrupted zip: CRC-32 mismatch in entry '" + entry.name + "'");
  }
}

bool looks_like_zip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic, "PK\3\4", 4) == 0;
}

}  // namespace flamingo
