#include "core/image_header.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace flamingo {
namespace media_internal {
namespace {

namespace fs = std::filesystem;

// Bounds-checked reads of big- and little-endian integers. Running past the end
// throws OutOfData, so a parser never reads outside the buffer.
class Bytes {
 public:
  explicit Bytes(const std::vector<uint8_t>& bytes) : b_(bytes) {}
  size_t size() const { return b_.size(); }
  uint8_t u8(uint64_t at) const {
    if (at >= b_.size()) throw OutOfData{};
    return b_[at];
  }
  uint32_t be16(uint64_t at) const { return uint32_t{u8(at)} << 8 | u8(at + 1); }
  uint32_t le16(uint64_t at) const { return uint32_t{u8(at + 1)} << 8 | u8(at); }
  uint32_t be32(uint64_t at) const { return be16(at) << 16 | be16(at + 2); }
  uint32_t le32(uint64_t at) const { return le16(at + 2) << 16 | le16(at); }
  uint32_t u16(uint64_t at, bool big) const { return big ? be16(at) : le16(at); }
  uint32_t u32(uint64_t at, bool big) const { return big ? be32(at) : le32(at); }
  bool has(uint64_t at, const char* text) const {
    const size_t n = std::strlen(text);
    return at + n <= b_.size() && std::memcmp(b_.data() + at, text, n) == 0;
  }

 private:
  const std::vector<uint8_t>& b_;
};

[[noreturn]] void malformed(const std::string& path, ImageFormat format,
                            const std::string& what) {
  throw FileError(path, std::string("is not a valid ") + format_name(format) + " file (" +
                            what + ")");
}

// PNG: the 8-byte signature, then the IHDR chunk whose data starts with width and
// height, 4 bytes each, big-endian (PNG specification, sections 5.2 and 11.2.2).
ImageSize png_size(const Bytes& b) {
  return {static_cast<int>(b.be32(16)), static_cast<int>(b.be32(20))};
}

// JPEG (ITU-T T.81, annex B): segments start with 0xFF and a marker code, optionally
// preceded by 0xFF fill bytes. Codes 0xD0-0xD7 (RSTn), 0xD8 (SOI), 0xD9 (EOI) and 0x01
// (TEM) stand alone; every other segment carries a 2-byte length that counts itself.
// After SOS (0xDA) comes entropy-coded data, in which a 0xFF data byte is followed by
// 0x00 and restart markers may appear; any other marker ends the scan.
bool is_standalone_marker(uint8_t code) { return (code >= 0xD0 && code <= 0xD9) || code == 1; }

// The start-of-frame markers SOF0-SOF15, less DHT (C4), JPG (C8) and DAC (CC).
bool is_sof_marker(uint8_t code) {
  return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
}

uint64_t skip_entropy_data(const Bytes& b, uint64_t at) {
  for (;; ++at) {
    if (b.u8(at) != 0xFF) continue;
    const uint8_t next = b.u8(at + 1);
    if (next != 0 && !(next >= 0xD0 && next <= 0xD7)) return at;
    ++at;
  }
}

// Walks the segments; returns the SOF's size, or, with to_eoi, walks on to EOI (a
// complete file) and returns {0, 0}.
ImageSize walk_jpeg(const std::string& path, const Bytes& b, bool to_eoi) {
  uint64_t at = 2;  // after SOI
  for (;;) {
    if (b.u8(at) != 0xFF) malformed(path, ImageFormat::kJpeg, "a marker was expected");
    while (b.u8(at) == 0xFF) ++at;
    const uint8_t code = b.u8(at++);
    if (code == 0xD9) return {};
    if (is_standalone_marker(code)) continue;
    const uint32_t length = b.be16(at);
    if (length < 2) malformed(path, ImageFormat::kJpeg, "a segment length is invalid");
    // SOFn: length, sample precision (1 byte), height, width (2 bytes each).
    if (is_sof_marker(code) && !to_eoi) {
      return {static_cast<int>(b.be16(at + 5)), static_cast<int>(b.be16(at + 3))};
    }
    at += length;
    if (code == 0xDA) at = skip_entropy_data(b, at);
  }
}

// BMP: "BM", a 14-byte file header, then a DIB header whose first field is its own
// size. The 12-byte BITMAPCOREHEADER holds 16-bit width and height; the later ones
// (40 bytes and up) hold 32-bit signed values, a negative height meaning top-down rows.
ImageSize bmp_size(const Bytes& b) {
  if (b.le32(14) == 12) return {static_cast<int>(b.le16(18)), static_cast<int>(b.le16(20))};
  const int32_t height = static_cast<int32_t>(b.le32(22));
  const int64_t rows = height < 0 ? -int64_t{height} : height;
  return {static_cast<int32_t>(b.le32(18)), static_cast<int>(std::min<int64_t>(rows, 1 << 30))};
}

// WebP (RFC 9649): "RIFF", size, "WEBP", then the first chunk. VP8X: a canvas of
// 24-bit width-1 and height-1 at chunk data offset 4. VP8L: signature byte 0x2F, then
// 14-bit width-1 and height-1. VP8 (lossy, RFC 6386 section 9.1): a 3-byte frame tag,
// the start code 9D 01 2A, then 14-bit width and height (2 scaling bits above each).
ImageSize webp_size(const std::string& path, const Bytes& b) {
  constexpr uint64_t data = 20;  // the first chunk's data
  if (b.has(12, "VP8X")) {
    const uint32_t w = b.le16(data + 4) | b.u8(data + 6) << 16;
    const uint32_t h = b.le16(data + 7) | b.u8(data + 9) << 16;
    return {static_cast<int>(w + 1), static_cast<int>(h + 1)};
  }
  if (b.has(12, "VP8L")) {
    if (b.u8(data) != 0x2F) malformed(path, ImageFormat::kWebp, "bad VP8L signature");
    const uint32_t bits = b.le32(data + 1);
    return {static_cast<int>((bits & 0x3FFF) + 1), static_cast<int>((bits >> 14 & 0x3FFF) + 1)};
  }
  if (b.has(12, "VP8 ")) {
    if (b.u8(data + 3) != 0x9D || b.u8(data + 4) != 0x01 || b.u8(data + 5) != 0x2A) {
      malformed(path, ImageFormat::kWebp, "bad VP8 start code");
    }
    return {static_cast<int>(b.le16(data + 6) & 0x3FFF),
            static_cast<int>(b.le16(data + 8) & 0x3FFF)};
  }
  malformed(path, ImageFormat::kWebp, "no VP8, VP8L or VP8X chunk first");
}

// TIFF 6.0 (section 2): "II" (little-endian) or "MM" (big-endian), 42, the offset of
// the first IFD; an IFD is a 2-byte entry count and 12-byte entries of tag, type,
// count, value. ImageWidth is tag 256, ImageLength 257, of type SHORT (3) or LONG (4).
ImageSize tiff_size(const std::string& path, const Bytes& b) {
  const bool big = b.u8(0) == 'M';
  const uint64_t ifd = b.u32(4, big);
  const uint32_t entries = b.u16(ifd, big);
  ImageSize size;
  for (uint32_t i = 0; i < entries; ++i) {
    const uint64_t entry = ifd + 2 + 12ull * i;
    const uint32_t tag = b.u16(entry, big), type = b.u16(entry + 2, big);
    if (tag != 256 && tag != 257) continue;
    const uint32_t value = type == 3 ? b.u16(entry + 8, big) : b.u32(entry + 8, big);
    if (type != 3 && type != 4) malformed(path, ImageFormat::kTiff, "bad size field type");
    (tag == 256 ? size.width : size.height) = static_cast<int>(std::min(value, 1u << 30));
  }
  return size;
}

// GIF (GIF89a specification, section 18): "GIF87a" or "GIF89a", then the logical
// screen width and height, 16-bit little-endian.
ImageSize gif_size(const Bytes& b) {
  return {static_cast<int>(b.le16(6)), static_cast<int>(b.le16(8))};
}

void check_png_complete(const std::string& path, const Bytes& b) {
  // Chunks: 4-byte length, 4-byte type, data, 4-byte CRC; IEND is last (section 5.3).
  for (uint64_t at = 8; at + 8 <= b.size();) {
    if (b.has(at + 4, "IEND")) return;
    at += 12ull + b.be32(at);
  }
  throw FileError(path, "is truncated (the PNG data ends before its IEND chunk)");
}

void check_bmp_complete(const std::string& path, const Bytes& b, ImageSize size) {
  const bool core = b.le32(14) == 12;
  const uint32_t bits = b.le16(core ? 24 : 28);
  const uint32_t compression = core ? 0 : b.le32(30);
  if (compression != 0 && compression != 3) return;  // run-length coded: size varies
  // Rows are padded to 4 bytes (BITMAPINFOHEADER documentation).
  const uint64_t stride = (uint64_t{static_cast<uint32_t>(size.width)} * bits + 31) / 32 * 4;
  if (b.le32(10) + stride * static_cast<uint32_t>(size.height) > b.size()) {
    throw FileError(path, "is truncated (the BMP data ends before its last pixel row)");
  }
}

}  // namespace

const char* format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng: return "PNG";
    case ImageFormat::kJpeg: return "JPEG";
    case ImageFormat::kBmp: return "BMP";
    case ImageFormat::kWebp: return "WebP";
    case ImageFormat::kTiff: return "TIFF";
    case ImageFormat::kGif: return "GIF";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

// Signatures: PNG specification 5.2; JPEG SOI FF D8 then a marker (T.81 B.1.1.3);
// BMP "BM" with a known DIB header size; WebP "RIFF"...."WEBP" (RFC 9649); TIFF
// "II*\0" / "MM\0*" (TIFF 6.0 section 2); GIF "GIF87a" / "GIF89a".
ImageFormat sniff_image_format(const std::vector<uint8_t>& head) {
  const Bytes b(head);
  if (b.has(0, "\x89PNG\r\n\x1a\n")) return ImageFormat::kPng;
  if (b.has(0, "\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (b.has(0, "RIFF") && b.has(8, "WEBP")) return ImageFormat::kWebp;
  if (b.has(0, "II*") && head.size() > 3 && head[3] == 0) return ImageFormat::kTiff;
  if (b.has(0, "MM") && head.size() > 3 && head[2] == 0 && head[3] == 42) {
    return ImageFormat::kTiff;
  }
  if (b.has(0, "GIF87a") || b.has(0, "GIF89a")) return ImageFormat::kGif;
  if (b.has(0, "BM") && head.size() >= 18) {
    const uint32_t dib = b.le32(14);
    if (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
        dib == 124) {
      return ImageFormat::kBmp;
    }
  }
  return ImageFormat::kUnknown;
}

// Container signatures: AVI "RIFF"...."AVI " (Microsoft RIFF); ISO base media (MP4,
// MOV, 3GP) an "ftyp" box at offset 4 (ISO/IEC 14496-12), older QuickTime "moov",
// "mdat", "wide" or "free" there; Matroska/WebM the EBML magic 1A 45 DF A3 (RFC 8794);
// Ogg "OggS" (RFC 3533); FLV "FLV\x01"; MPEG program stream pack header 00 00 01 BA;
// MPEG transport stream sync byte 0x47 every 188 bytes; ASF (WMV) its header GUID.
bool sniff_video_container(const std::vector<uint8_t>& head) {
  const Bytes b(head);
  if (b.has(0, "RIFF") && b.has(8, "AVI ")) return true;
  for (const char* box : {"ftyp", "moov", "mdat", "wide", "free"}) {
    if (b.has(4, box)) return true;
  }
  if (b.has(0, "\x1A\x45\xDF\xA3") || b.has(0, "OggS") || b.has(0, "FLV\x01")) return true;
  if (head.size() >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 1 && head[3] == 0xBA) {
    return true;
  }
  if (head.size() > 376 && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47) {
    return true;
  }
  return b.has(0, "\x30\x26\xB2\x75\x8E\x66\xCF\x11");
}

ImageSize parse_image_size(const std::string& path, ImageFormat format,
                           const std::vector<uint8_t>& bytes) {
  const Bytes b(bytes);
  ImageSize size;
  switch (format) {
    case ImageFormat::kPng:
      if (!b.has(12, "IHDR")) malformed(path, format, "the first chunk is not IHDR");
      size = png_size(b);
      break;
    case ImageFormat::kJpeg: size = walk_jpeg(path, b, false); break;
    case ImageFormat::kBmp: size = bmp_size(b); break;
    case ImageFormat::kWebp: size = webp_size(path, b); break;
    case ImageFormat::kTiff: size = tiff_size(path, b); break;
    case ImageFormat::kGif: size = gif_size(b); break;
    case ImageFormat::kUnknown: throw FileError(path, "is not an image of a known format");
  }
  if (size.width <= 0 || size.height <= 0) malformed(path, format, "no width or height");
  return size;
}

void check_complete(const std::string& path, ImageFormat format,
                    const std::vector<uint8_t>& bytes) {
  const Bytes b(bytes);
  try {
    if (format == ImageFormat::kPng) check_png_complete(path, b);
    if (format == ImageFormat::kJpeg) walk_jpeg(path, b, true);
    if (format == ImageFormat::kBmp) check_bmp_complete(path, b, bmp_size(b));
    // RIFF: the size field counts the bytes after itself (RFC 9649 section 2.5).
    if (format == ImageFormat::kWebp && uint64_t{b.le32(4)} + 8 > b.size()) throw OutOfData{};
  } catch (const OutOfData&) {
    throw FileError(path, std::string("is truncated (the ") + format_name(format) +
                              " data ends before the end of the image)");
  }
}

void check_regular_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) throw FileError(path, "does not exist");
  if (ec) throw FileError(path, "cannot be accessed: " + ec.message());
  if (status.type() == fs::file_type::directory) throw FileError(path, "is a directory");
  if (status.type() != fs::file_type::regular) throw FileError(path, "is not a regular file");
  if (fs::file_size(path, ec) == 0 && !ec) throw FileError(path, "is empty");
}

std::vector<uint8_t> read_file_prefix(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, std::string("cannot be opened: ") + std::strerror(errno));
  std::vector<uint8_t> bytes;
  std::vector<char> chunk(1 << 16);
  while (bytes.size() < max_bytes && in) {
    const size_t want = std::min(chunk.size(), max_bytes - bytes.size());
    in.read(chunk.data(), static_cast<std::streamsize>(want));
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + in.gcount());
  }
  if (in.bad()) throw FileError(path, "cannot be read (input/output error)");
  return bytes;
}

}  // namespace media_internal
}  // namespace flamingo
