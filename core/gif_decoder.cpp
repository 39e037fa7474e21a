// References are to the GIF89a specification (CompuServe, 1990): section numbers and
// appendices E (interlaced images) and F (variable-length-code LZW compression).
#include "core/gif_decoder.h"

#include <array>

#include "core/error.h"

namespace flamingo {
namespace media_internal {
namespace {

struct OutOfBytes {};

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& bytes) : b_(bytes) {}
  uint8_t u8() {
    if (at_ >= b_.size()) throw OutOfBytes{};
    return b_[at_++];
  }
  uint32_t le16() {
    const uint32_t low = u8();
    return low | uint32_t{u8()} << 8;
  }
  std::vector<uint8_t> take(size_t n) {
    if (n > b_.size() - at_) throw OutOfBytes{};
    at_ += n;
    return std::vector<uint8_t>(b_.begin() + static_cast<long>(at_ - n),
                                b_.begin() + static_cast<long>(at_));
  }
  // Data sub-blocks (section 15): a length byte, that many bytes; length 0 ends them.
  std::vector<uint8_t> sub_blocks() {
    std::vector<uint8_t> data;
    for (uint8_t n = u8(); n != 0; n = u8()) {
      const std::vector<uint8_t> block = take(n);
      data.insert(data.end(), block.begin(), block.end());
    }
    return data;
  }

 private:
  const std::vector<uint8_t>& b_;
  size_t at_ = 0;
};

// A colour table follows its descriptor when bit 7 of the packed byte is set, with
// 2^(size + 1) RGB entries, size being the low 3 bits (sections 18 and 20).
std::vector<uint8_t> colour_table(Reader& in, uint8_t packed) {
  if (!(packed & 0x80)) return {};
  return in.take(3u << ((packed & 7) + 1));
}

// The image row that the n-th stored row holds: interlaced images store every 8th row
// from 0, then every 8th from 4, every 4th from 2, every 2nd from 1 (appendix E).
int interlaced_row(int n, int height) {
  constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
  for (int pass = 0; pass < 4; ++pass) {
    const int rows = height > kStart[pass] ? (height - kStart[pass] + kStep[pass] - 1) /
                                                 kStep[pass] : 0;
    if (n < rows) return kStart[pass] + n * kStep[pass];
    n -= rows;
  }
  return -1;
}

struct Frame {
  int left = 0, top = 0, width = 0, height = 0;
  bool interlaced = false;
  const std::vector<uint8_t>* palette = nullptr;
};

// Writes colour indices into the canvas in stored order, clipping to the canvas.
class PixelSink {
 public:
  PixelSink(RgbImage& canvas, const Frame& frame) : canvas_(canvas), frame_(frame) {}
  bool full() const { return count_ >= int64_t{frame_.width} * frame_.height; }
  void put(uint8_t index) {
    const int row = static_cast<int>(count_ / frame_.width);
    const int col = static_cast<int>(count_ % frame_.width);
    ++count_;
    const int y = frame_.top + (frame_.interlaced ? interlaced_row(row, frame_.height) : row);
    const int x = frame_.left + col;
    const std::vector<uint8_t>& palette = *frame_.palette;
    if (x >= canvas_.width || y >= canvas_.height || 3u * index + 2 >= palette.size()) return;
    uint8_t* out = &canvas_.rgb[(size_t{static_cast<size_t>(y)} * canvas_.width + x) * 3];
    for (int c = 0; c < 3; ++c) out[c] = palette[3u * index + c];
  }

 private:
  RgbImage& canvas_;
  const Frame& frame_;
  int64_t count_ = 0;
};

// Variable-length-code LZW (appendix F): codes are packed least significant bit
// first, start at min_code_size + 1 bits and grow to 12; code 2^min_code_size clears
// the table and the next one ends the data. Returns false on an impossible code.
bool decode_lzw(const std::vector<uint8_t>& data, int min_code_size, PixelSink& sink) {
  const int clear = 1 << min_code_size, end = clear + 1;
  std::array<uint16_t, 4096> prefix{};
  std::array<uint8_t, 4096> suffix{};
  std::array<uint8_t, 4097> stack{};
  int code_size = min_code_size + 1, next = end + 1, previous = -1;
  uint8_t first = 0;
  uint32_t bits = 0;
  int bit_count = 0;
  for (size_t at = 0; !sink.full();) {
    while (bit_count < code_size && at < data.size()) {
      bits |= uint32_t{data[at++]} << bit_count;
      bit_count += 8;
    }
    if (bit_count < code_size) return true;  // data ended without the end code
    const int code = static_cast<int>(bits & ((1u << code_size) - 1));
    bits >>= code_size;
    bit_count -= code_size;
    if (code == clear) {
      code_size = min_code_size + 1, next = end + 1, previous = -1;
      continue;
    }
    if (code == end) return true;
    if (code > next || (previous < 0 && code >= clear)) return false;
    size_t depth = 0;
    int walk = code;
    if (previous >= 0 && code == next) {  // the code being defined: previous + its first
      stack[depth++] = first;
      walk = previous;
    }
    for (; walk > end; walk = prefix[walk]) stack[depth++] = suffix[walk];
    first = static_cast<uint8_t>(walk);
    stack[depth++] = first;
    while (depth > 0 && !sink.full()) sink.put(stack[--depth]);
    if (previous >= 0 && next < 4096) {
      prefix[next] = static_cast<uint16_t>(previous);
      suffix[next] = first;
      if (++next == 1 << code_size && code_size < 12) ++code_size;
    }
    previous = code;
  }
  return true;
}

RgbImage decode(const std::string& path, Reader& in) {
  in.take(6);  // signature and version, checked by the caller
  RgbImage canvas;
  canvas.width = static_cast<int>(in.le16());
  canvas.height = static_cast<int>(in.le16());
  const uint8_t packed = in.u8(), background = in.u8();
  in.u8();  // pixel aspect ratio
  const std::vector<uint8_t> global = colour_table(in, packed);
  std::array<uint8_t, 3> fill{};
  if (3u * background + 2 < global.size()) {
    for (int c = 0; c < 3; ++c) fill[c] = global[3u * background + c];
  }
  canvas.rgb.resize(size_t{static_cast<size_t>(canvas.width)} * canvas.height * 3);
  for (size_t i = 0; i < canvas.rgb.size(); ++i) canvas.rgb[i] = fill[i % 3];
  for (;;) {
    const uint8_t block = in.u8();
    if (block == 0x21) {  // extension (section 23 on): a label, then sub-blocks
      in.u8();
      in.sub_blocks();
    } else if (block == 0x2C) {  // image descriptor (section 20)
      Frame frame;
      frame.left = static_cast<int>(in.le16()), frame.top = static_cast<int>(in.le16());
      frame.width = static_cast<int>(in.le16()), frame.height = static_cast<int>(in.le16());
      const uint8_t image_packed = in.u8();
      frame.interlaced = image_packed & 0x40;
      const std::vector<uint8_t> local = colour_table(in, image_packed);
      frame.palette = local.empty() ? &global : &local;
      if (frame.palette->empty()) throw FileError(path, "is not a valid GIF (no colour table)");
      const int min_code_size = in.u8();  // section 22: 2 to 8 in practice
      if (min_code_size < 1 || min_code_size > 8) {
        throw FileError(path, "is not a valid GIF (bad LZW code size)");
      }
      const std::vector<uint8_t> data = in.sub_blocks();
      PixelSink sink(canvas, frame);
      if (!decode_lzw(data, min_code_size, sink)) {
        throw FileError(path, "is not a valid GIF (corrupt image data)");
      }
      return canvas;
    } else {
      throw FileError(path, block == 0x3B ? "is a GIF with no image in it"
                                          : "is not a valid GIF (unknown block)");
    }
  }
}

}  // namespace

RgbImage decode_gif_first_frame(const std::string& path, const std::vector<uint8_t>& bytes) {
  Reader in(bytes);
  try {
    return decode(path, in);
  } catch (const OutOfBytes&) {
    throw FileError(path, "is truncated (the GIF data ends inside its first image)");
  }
}

}  // namespace media_internal
}  // namespace flamingo
