#pragma once
// Media preprocessing for the vision encoder: images and videos become normalised
// RGB tensors. Plain C++ only: the Qt interface includes this header, so it must not
// pull in OpenCV or LibTorch. Every failure to read a file is a flamingo::FileError
// naming the file; a bad setting is a flamingo::ArgumentError. See docs/media.md.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace flamingo {

// From the "preprocessing" object of a model's config.json.
struct Preprocessing {
  int image_size = 224;  // side of the square the encoder sees
  // CLIP's normalisation constants, from the OpenAI CLIP repository (clip/clip.py,
  // _transform): the per-channel RGB mean and standard deviation of its training images.
  std::array<float, 3> mean{0.48145466f, 0.4578275f, 0.40821073f};
  std::array<float, 3> std{0.26862954f, 0.26130258f, 0.27577711f};
  std::string resize = "bicubic";  // or "bilinear"
  double max_megapixels = 100.0;   // larger images are refused before they are decoded
  double video_fps = 1.0;          // frames sampled per second of video
  int max_frames = 8;              // longer videos are sampled evenly instead
};

// A batch of frames ready for the vision encoder.
struct MediaTensor {
  int frames = 0, channels = 3, height = 0, width = 0;
  std::vector<float> data;  // [frames, channels, height, width], RGB, normalised
  bool is_video = false;
  double duration_s = 0;           // videos only
  std::vector<int> frame_indices;  // videos only: which source frames were sampled
};

enum class MediaKind { kImage, kVideo, kUnsupported };

// What a file holds, judged by its first bytes (PNG, JPEG, BMP, WebP, TIFF, GIF, and
// the common video containers), and for videos whose container is not recognised, by
// the file name's extension. A missing, unreadable or empty file is a FileError.
MediaKind media_kind(const std::string& path);

struct ImageSize {
  int width = 0, height = 0;
};

// The stored size of an image, read from its header only (no decoding): PNG, JPEG,
// BMP, WebP, TIFF, GIF. EXIF orientation is not applied here.
ImageSize read_image_size(const std::string& path);

// An 8-bit RGB image, row by row, three bytes a pixel. Also used for thumbnails.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

// Decodes an image to 8-bit RGB: EXIF orientation applied (JPEG), grey expanded,
// alpha dropped, 16-bit samples scaled (v / 257, rounded), GIF's first frame.
// Images over max_megapixels are refused from their header, before decoding.
RgbImage load_image_rgb(const std::string& path, double max_megapixels = 100.0);

// Resizes the shorter side to p.image_size, crops the centre square, and normalises
// each channel as (x / 255 - mean) / std. The result has one frame.
MediaTensor preprocess_image(const RgbImage& image, const Preprocessing& p);

MediaTensor load_image(const std::string& path, const Preprocessing& p);

// Samples frames at p.video_fps, at most p.max_frames of them, spread evenly over the
// clip when it is longer (video_sample_indices), and preprocesses each one.
MediaTensor load_video(const std::string& path, const Preprocessing& p);

// load_image or load_video by media_kind; anything else is a FileError.
MediaTensor load_media(const std::string& path, const Preprocessing& p);

// The source frames to sample from a clip of frame_count frames at source_fps: one
// frame from the middle of each 1 / sample_fps seconds slice, or, where that would
// be more than max_frames, from the middle of each of max_frames equal slices. An
// unknown source_fps (<= 0) samples max_frames evenly. Increasing, within
// [0, frame_count). Non-positive sample_fps or max_frames is an ArgumentError.
std::vector<int> video_sample_indices(int frame_count, double source_fps, double sample_fps,
                                      int max_frames);

}  // namespace flamingo
