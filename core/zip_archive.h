#pragma once
// A read-only, memory-mapped ZIP archive of stored (uncompressed) entries, as
// PyTorch writes them (torch.save since 1.6, torch.jit.save): the layout follows
// PKWARE's APPNOTE.TXT (local headers, central directory, end of central
// directory record, and the ZIP64 extensions for archives over 4 GB).
// Every malformed input is a FileError naming the file and the problem.
// No LibTorch here.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace flamingo {

// A whole file mapped read-only; the mapping lives as long as this object.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const uint8_t* data() const { return static_cast<const uint8_t*>(map_); }
  size_t size() const { return size_; }

 private:
  std::string path_;
  void* map_ = nullptr;
  size_t size_ = 0;
};

struct ZipEntry {
  std::string name;
  uint64_t data_offset = 0;  // of the entry's bytes, from the start of the file
  uint64_t size = 0;         // bytes in the file
  uint32_t crc32 = 0;
  bool compressed = false;   // deflated: listed, but data() refuses it
};

class ZipArchive {
 public:
  explicit ZipArchive(const std::string& path);  // maps and reads the directory

  const std::string& path() const { return file_->path(); }
  const std::map<std::string, ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;  // nullptr when absent
  // The entry's bytes in the mapping; a compressed entry is a FileError.
  const uint8_t* data(const ZipEntry& entry) const;
  // Recomputes the entry's CRC-32; a mismatch is a FileError naming the entry.
  void verify(const ZipEntry& entry) const;

 private:
  std::shared_ptr<MappedFile> file_;
  std::map<std::string, ZipEntry> entries_;
};

// True when the file starts with a ZIP local header ("PK\3\4").
bool looks_like_zip(const std::string& path);

uint32_t crc32_of(const uint8_t* data, size_t size);

}  // namespace flamingo
