#pragma once
// Internal to the media code: recognising file formats from their first bytes and
// reading image headers without decoding. Plain C++, no OpenCV.
#include <cstdint>
#include <string>
#include <vector>

#include "core/media.h"

namespace flamingo {
namespace media_internal {

enum class ImageFormat { kUnknown, kPng, kJpeg, kBmp, kWebp, kTiff, kGif };

const char* format_name(ImageFormat format);

// How many leading bytes the sniffers below need to decide.
constexpr size_t kSniffBytes = 512;

ImageFormat sniff_image_format(const std::vector<uint8_t>& head);
bool sniff_video_container(const std::vector<uint8_t>& head);

// Thrown by parse_image_size when the bytes end before the size fields: the caller
// may read more of the file, or report the file as truncated.
struct OutOfData {};

// The stored size from the header of an image of a sniffed format. Throws OutOfData,
// or FileError naming `path` for a malformed header.
ImageSize parse_image_size(const std::string& path, ImageFormat format,
                           const std::vector<uint8_t>& bytes);

// Refuses (FileError) a file whose structure shows it was cut short: a PNG with no
// IEND chunk, a JPEG with no EOI marker, a WebP shorter than its RIFF size, an
// uncompressed BMP shorter than its pixel rows. Other formats pass unchecked here.
void check_complete(const std::string& path, ImageFormat format,
                    const std::vector<uint8_t>& bytes);

// Files. Each throws FileError naming `path` with a plain reason.
void check_regular_file(const std::string& path);  // exists, is a file, is not empty
std::vector<uint8_t> read_file_prefix(const std::string& path, size_t max_bytes);

}  // namespace media_internal
}  // namespace flamingo
