#include "core/media.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "core/gif_decoder.h"
#include "core/image_header.h"

namespace flamingo {
namespace {

using namespace media_internal;

// Enough to reach the size fields of nearly every image; when a header is larger
// (JPEG metadata, a TIFF whose directory sits at the end) the whole file is read.
constexpr size_t kHeaderBytes = 256 * 1024;
// Sampled frames further apart than this are reached by seeking; nearer ones by
// decoding forward, which is cheaper than a seek that restarts at a key frame.
constexpr int kSeekGap = 64;

const char kImageFormats[] = "PNG, JPEG, BMP, WebP, TIFF or GIF";

std::string number_text(double value) {
  std::ostringstream out;
  out.precision(4);
  out << value;
  return out.str();
}

void validate(const Preprocessing& p) {
  if (p.image_size < 1 || p.image_size > 4096) {
    throw ArgumentError("preprocessing image_size must be 1 to 4096, not " +
                        std::to_string(p.image_size));
  }
  for (float s : p.std) {
    if (!(s > 0) || !std::isfinite(s)) throw ArgumentError("preprocessing std must be > 0");
  }
  if (p.resize != "bicubic" && p.resize != "bilinear") {
    throw ArgumentError("preprocessing resize must be \"bicubic\" or \"bilinear\", not \"" +
                        p.resize + "\"");
  }
  if (!(p.max_megapixels > 0)) throw ArgumentError("preprocessing max_megapixels must be > 0");
  if (!(p.video_fps > 0)) throw ArgumentError("preprocessing video_fps must be > 0");
  if (p.max_frames < 1) throw ArgumentError("preprocessing max_frames must be at least 1");
}

void check_pixel_limit(const std::string& path, ImageSize size, double max_megapixels) {
  const double megapixels = double(size.width) * size.height / 1e6;
  if (megapixels <= max_megapixels) return;
  throw FileError(path, "is " + std::to_string(size.width) + "x" +
                            std::to_string(size.height) + " pixels (" +
                            number_text(megapixels) + " megapixels), more than the limit of " +
                            number_text(max_megapixels) + " megapixels");
}

// An image within the pixel limit takes at most 8 bytes a pixel (16-bit RGBA stored
// raw) plus its metadata; a larger file is not an image we would decode anyway.
uint64_t max_image_file_bytes(double max_megapixels) {
  return static_cast<uint64_t>(max_megapixels * 8e6) + (64u << 20);
}

// `cap` bounds how much of the file is read when the first bytes are not enough.
ImageSize header_size(const std::string& path, ImageFormat format,
                      const std::vector<uint8_t>& head, uint64_t cap) {
  try {
    return parse_image_size(path, format, head);
  } catch (const OutOfData&) {
  }
  if (head.size() == kHeaderBytes) {  // there is more to read
    const std::vector<uint8_t> more = read_file_prefix(path, cap);
    try {
      return parse_image_size(path, format, more);
    } catch (const OutOfData&) {
    }
    if (more.size() == cap) {
      throw FileError(path, std::string("has no ") + format_name(format) +
                                " size fields in its first " + std::to_string(cap >> 20) +
                                " MiB");
    }
  }
  throw FileError(path, std::string("is truncated (the ") + format_name(format) +
                            " header ends early)");
}

ImageFormat sniff_image(const std::string& path, const std::vector<uint8_t>& head) {
  const ImageFormat format = sniff_image_format(head);
  if (format != ImageFormat::kUnknown) return format;
  if (sniff_video_container(head)) throw FileError(path, "is a video, not an image");
  throw FileError(path, std::string("is not an image Flamingo can read (") + kImageFormats +
                            ")");
}

// 8-bit RGB from what imdecode returns: grey, BGR or BGRA, 8 or 16 bits a sample.
cv::Mat to_rgb8(const std::string& path, const cv::Mat& decoded) {
  cv::Mat eight;
  if (decoded.depth() == CV_8U) {
    eight = decoded;
  } else if (decoded.depth() == CV_16U) {
    decoded.convertTo(eight, CV_8U, 1.0 / 257);  // 65535 -> 255, rounded to nearest
  } else {
    throw FileError(path, "has a sample format Flamingo cannot read (not 8 or 16 bits)");
  }
  cv::Mat rgb;
  switch (eight.channels()) {
    case 1: cv::cvtColor(eight, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(eight, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(eight, rgb, cv::COLOR_BGRA2RGB); break;
    default: throw FileError(path, "has an unsupported number of colour channels");
  }
  return rgb;
}

cv::Mat decode_rgb(const std::string& path, ImageFormat format,
                   const std::vector<uint8_t>& bytes) {
  cv::Mat decoded;
  try {
    // Not IMREAD_UNCHANGED, which would skip the EXIF orientation; ANYCOLOR keeps grey
    // as one channel and drops alpha, ANYDEPTH keeps 16 bits for scaling in to_rgb8.
    decoded = cv::imdecode(bytes, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
  } catch (const cv::Exception&) {
    decoded.release();
  }
  if (decoded.empty()) {
    throw FileError(path, std::string("could not be decoded as ") + format_name(format) +
                              " (the file is corrupt, truncated, or uses a feature that this"
                              " build of OpenCV lacks)");
  }
  return to_rgb8(path, decoded);
}

RgbImage to_rgb_image(const cv::Mat& rgb) {
  RgbImage image{rgb.cols, rgb.rows, {}};
  const cv::Mat packed = rgb.isContinuous() ? rgb : rgb.clone();
  image.rgb.assign(packed.data, packed.data + packed.total() * 3);
  return image;
}

// Only the centre of the longer side survives the crop. Keeping at most twice the
// shorter side of it bounds the work for strips and panoramas (a 1x100000 strip would
// otherwise be resized to 224x22400000) and leaves ordinary photographs untouched.
cv::Mat central_region(const cv::Mat& rgb) {
  const int shorter = std::min(rgb.cols, rgb.rows);
  if (rgb.cols > 2 * shorter) return rgb(cv::Rect((rgb.cols - 2 * shorter) / 2, 0, 2 * shorter,
                                                  rgb.rows));
  if (rgb.rows > 2 * shorter) return rgb(cv::Rect(0, (rgb.rows - 2 * shorter) / 2, rgb.cols,
                                                  2 * shorter));
  return rgb;
}

// Shorter side to `size`, the longer in proportion, truncated as torchvision's
// Resize (which CLIP uses) does. Shrinking by more than half first averages areas down
// to twice the target: the chosen filter alone would alias, where PIL's filters widen.
cv::Mat resize_shorter_side(const cv::Mat& whole, int size, const std::string& filter) {
  const cv::Mat rgb = central_region(whole);
  const int shorter = std::min(rgb.cols, rgb.rows), longer = std::max(rgb.cols, rgb.rows);
  const int scaled = static_cast<int>(int64_t{size} * longer / shorter);
  const cv::Size target = rgb.cols <= rgb.rows ? cv::Size(size, scaled) : cv::Size(scaled, size);
  if (target == rgb.size()) return rgb;
  cv::Mat source = rgb;
  if (target.width * 2 < rgb.cols && target.height * 2 < rgb.rows) {
    cv::resize(rgb, source, target * 2, 0, 0, cv::INTER_AREA);
  }
  cv::Mat out;
  cv::resize(source, out, target, 0, 0,
             filter == "bilinear" ? cv::INTER_LINEAR : cv::INTER_CUBIC);
  return out;
}

// One frame, [3, size, size], written at `out`.
void preprocess_into(const cv::Mat& rgb, const Preprocessing& p, float* out) {
  const int size = p.image_size;
  const cv::Mat resized = resize_shorter_side(rgb, size, p.resize);
  const int x0 = (resized.cols - size) / 2, y0 = (resized.rows - size) / 2;
  std::array<std::array<float, 256>, 3> table;
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) table[c][v] = (v / 255.0f - p.mean[c]) / p.std[c];
  }
  const size_t plane = size_t{static_cast<size_t>(size)} * size;
  for (int y = 0; y < size; ++y) {
    const uint8_t* row = resized.ptr<uint8_t>(y0 + y) + 3 * x0;
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) out[c * plane + size_t(y) * size + x] = table[c][row[3 * x + c]];
    }
  }
}

MediaTensor empty_tensor(const Preprocessing& p, int frames) {
  MediaTensor t;
  t.frames = frames, t.height = p.image_size, t.width = p.image_size;
  t.data.resize(size_t(frames) * 3 * p.image_size * p.image_size);
  return t;
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool has_video_extension(const std::string& path) {
  static const char* const kExtensions[] = {".avi", ".mp4", ".m4v", ".mov", ".mkv", ".webm",
                                            ".ogv", ".flv", ".mpg", ".mpeg", ".ts", ".wmv",
                                            ".3gp"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* known) { return ext == known; });
}

cv::VideoCapture open_video(const std::string& path) {
  // FFmpeg only: the catch-all would also try image-sequence readers on any file.
  if (!cv::videoio_registry::hasBackend(cv::CAP_FFMPEG)) {
    throw FileError(path, "cannot be read: this OpenCV has no FFmpeg video backend");
  }
  cv::VideoCapture capture;
  try {
    capture.open(path, cv::CAP_FFMPEG);
  } catch (const cv::Exception&) {
  }
  if (!capture.isOpened()) {
    throw FileError(path, "could not be opened as a video (unknown format or corrupt file)");
  }
  return capture;
}

// For containers that do not state their frame count: decode them through once.
int count_frames(const std::string& path) {
  cv::VideoCapture capture = open_video(path);
  int count = 0;
  while (capture.grab()) ++count;
  return count;
}

// The frame at `target`, given that the next frame read would be `next`.
cv::Mat read_frame_at(cv::VideoCapture& capture, int target, int& next) {
  if (target - next > kSeekGap && capture.set(cv::CAP_PROP_POS_FRAMES, target)) next = target;
  for (; next < target; ++next) {
    if (!capture.grab()) return {};
  }
  cv::Mat frame;
  if (!capture.read(frame)) return {};
  ++next;
  return frame;
}

}  // namespace

MediaKind media_kind(const std::string& path) {
  check_regular_file(path);
  const std::vector<uint8_t> head = read_file_prefix(path, kSniffBytes);
  if (sniff_image_format(head) != ImageFormat::kUnknown) return MediaKind::kImage;
  if (sniff_video_container(head) || has_video_extension(path)) return MediaKind::kVideo;
  return MediaKind::kUnsupported;
}

ImageSize read_image_size(const std::string& path) {
  check_regular_file(path);
  const std::vector<uint8_t> head = read_file_prefix(path, kHeaderBytes);
  return header_size(path, sniff_image(path, head), head,
                     max_image_file_bytes(Preprocessing().max_megapixels));
}

RgbImage load_image_rgb(const std::string& path, double max_megapixels) {
  if (!(max_megapixels > 0)) throw ArgumentError("max_megapixels must be > 0");
  check_regular_file(path);
  std::vector<uint8_t> bytes = read_file_prefix(path, kHeaderBytes);
  const ImageFormat format = sniff_image(path, bytes);
  const uint64_t limit = max_image_file_bytes(max_megapixels);
  check_pixel_limit(path, header_size(path, format, bytes, limit), max_megapixels);
  if (bytes.size() == kHeaderBytes) {
    bytes = read_file_prefix(path, limit + 1);
    if (bytes.size() > limit) {
      throw FileError(path, "is over " + std::to_string(limit >> 20) +
                                " MiB, too large for an image within the pixel limit");
    }
  }
  check_complete(path, format, bytes);
  if (format == ImageFormat::kGif) return decode_gif_first_frame(path, bytes);
  return to_rgb_image(decode_rgb(path, format, bytes));
}

MediaTensor preprocess_image(const RgbImage& image, const Preprocessing& p) {
  validate(p);
  if (image.width < 1 || image.height < 1 ||
      image.rgb.size() != size_t(image.width) * image.height * 3) {
    throw ArgumentError("RgbImage of " + std::to_string(image.width) + "x" +
                        std::to_string(image.height) + " pixels holds " +
                        std::to_string(image.rgb.size()) + " bytes, not 3 a pixel");
  }
  // cv::Mat wants a non-const pointer; the pixels are only read.
  const cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data()));
  MediaTensor tensor = empty_tensor(p, 1);
  preprocess_into(rgb, p, tensor.data.data());
  return tensor;
}

MediaTensor load_image(const std::string& path, const Preprocessing& p) {
  validate(p);
  return preprocess_image(load_image_rgb(path, p.max_megapixels), p);
}

MediaTensor load_video(const std::string& path, const Preprocessing& p) {
  validate(p);
  check_regular_file(path);
  // FFmpeg would open a still image as a one-frame video.
  if (sniff_image_format(read_file_prefix(path, kSniffBytes)) != ImageFormat::kUnknown) {
    throw FileError(path, "is an image, not a video");
  }
  cv::VideoCapture capture = open_video(path);
  const ImageSize size{static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH)),
                       static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT))};
  check_pixel_limit(path, size, p.max_megapixels);
  const double fps = capture.get(cv::CAP_PROP_FPS);
  const double stated = capture.get(cv::CAP_PROP_FRAME_COUNT);
  const int count = stated >= 1 && stated < 1e9 ? static_cast<int>(stated) : count_frames(path);
  if (count < 1) throw FileError(path, "has no video frames");
  const std::vector<int> indices = video_sample_indices(count, fps, p.video_fps, p.max_frames);
  MediaTensor tensor = empty_tensor(p, static_cast<int>(indices.size()));
  const size_t frame_floats = size_t(3) * p.image_size * p.image_size;
  int next = 0;
  for (size_t i = 0; i < indices.size(); ++i) {
    const cv::Mat frame = read_frame_at(capture, indices[i], next);
    if (frame.empty() || frame.type() != CV_8UC3) {
      throw FileError(path, "frame " + std::to_string(indices[i]) + " of " +
                                std::to_string(count) +
                                " could not be decoded (the file may be truncated or corrupt)");
    }
    cv::Mat rgb;
    cv::cvtColor(frame, rgb, cv::COLOR_BGR2RGB);
    preprocess_into(rgb, p, tensor.data.data() + i * frame_floats);
  }
  tensor.is_video = true;
  tensor.duration_s = fps > 0 ? count / fps : 0;
  tensor.frame_indices = indices;
  return tensor;
}

MediaTensor load_media(const std::string& path, const Preprocessing& p) {
  switch (media_kind(path)) {
    case MediaKind::kImage: return load_image(path, p);
    case MediaKind::kVideo: return load_video(path, p);
    case MediaKind::kUnsupported: break;
  }
  throw FileError(path, std::string("is not an image or video Flamingo can read (images: ") +
                            kImageFormats + "; videos: AVI, MP4, MOV, MKV, WebM and others)");
}

std::vector<int> video_sample_indices(int frame_count, double source_fps, double sample_fps,
                                      int max_frames) {
  if (!(sample_fps > 0)) throw ArgumentError("video sampling rate must be > 0 frames a second");
  if (max_frames < 1) throw ArgumentError("video max_frames must be at least 1");
  if (frame_count < 1) return {};
  // Source frames per sample; an unknown rate leaves the count to max_frames.
  const bool known = source_fps > 0 && std::isfinite(source_fps);
  double step = known ? source_fps / sample_fps : 0;
  // Slices at the sampling rate, the last possibly partial; the margin keeps 50 frames
  // at a step of 10 from counting as 6.
  const double natural = known ? std::ceil(frame_count / step - 1e-9) : HUGE_VAL;
  const int n = static_cast<int>(std::min({natural, double(max_frames), double(frame_count)}));
  if (n < natural) step = double(frame_count) / n;  // fewer, equal slices over the clip
  std::vector<int> indices(n);
  for (int k = 0; k < n; ++k) {  // the middle of slice k, the last one cut at the end
    const double middle = (k * step + std::min((k + 1) * step, double(frame_count))) / 2;
    indices[k] = std::clamp(static_cast<int>(middle), 0, frame_count - 1);
  }
  return indices;
}

}  // namespace flamingo
