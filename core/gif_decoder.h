#pragma once
// Internal to the media code: the first frame of a GIF, which OpenCV 4.6 (Debian 12)
// cannot decode (its GIF reader arrived in OpenCV 4.7). Plain C++.
#include <cstdint>
#include <string>
#include <vector>

#include "core/media.h"

namespace flamingo {
namespace media_internal {

// Decodes the first image of a GIF onto its logical screen, 8-bit RGB. Pixels the
// frame does not cover take the background colour; transparency is ignored (each
// pixel takes its palette colour). The caller checks the screen size against the pixel
// limit first. A malformed or truncated file is a FileError naming `path`.
RgbImage decode_gif_first_frame(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace media_internal
}  // namespace flamingo
