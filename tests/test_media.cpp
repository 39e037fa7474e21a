// Tests of the media preprocessing: header parsing, decoding to RGB8, the resize /
// crop / normalise arithmetic, video sampling, and refusal of broken files. Fixtures
// are encoded here with OpenCV or built byte by byte; the real photographs come from
// the Debian package lomiri-wallpapers-16.04 (scripts/install-deps.sh).
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/test_dirs.h"
#include "core/error.h"
#include "core/media.h"

namespace flamingo {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// OpenCV's worker pool would otherwise size itself to the machine; tests share it.
const bool kOneThread = [] {
  cv::setNumThreads(1);
  return true;
}();

class MediaTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_test_dir("media"); }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }

  fs::path dir_;
};

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

void write_text(const std::string& path, const std::string& text) {
  write_bytes(path, Bytes(text.begin(), text.end()));
}

Bytes encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params = {}) {
  Bytes bytes;
  EXPECT_TRUE(cv::imencode(ext, image, bytes, params)) << ext;
  return bytes;
}

// Expects `call` to throw a FileError for `path` whose message contains `words`.
template <typename Call>
void expect_file_error(const std::string& path, const std::string& words, Call call) {
  try {
    call();
    ADD_FAILURE() << "no FileError for " << path;
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), path);
    EXPECT_NE(std::string(e.what()).find(path + ": "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

float normalised(uint8_t value, const Preprocessing& p, int channel) {
  return (value / 255.0f - p.mean[channel]) / p.std[channel];
}

// The 8-bit value a tensor element came from.
double denormalised(const MediaTensor& t, const Preprocessing& p, int frame, int c, int y,
                    int x) {
  const size_t at = ((size_t(frame) * 3 + c) * t.height + y) * t.width + x;
  return (t.data[at] * p.std[c] + p.mean[c]) * 255.0;
}

// A synthetic image whose pixel (x, y) is {10x + y, 100 + 10x + y, 200 - 10x - y}.
RgbImage numbered_image(int width, int height) {
  RgbImage image{width, height, {}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int v = 10 * x + y;
      image.rgb.insert(image.rgb.end(), {uint8_t(v), uint8_t(100 + v), uint8_t(200 - v)});
    }
  }
  return image;
}

// Checks a one-frame tensor against numbered_image pixels from (x0, y0).
void expect_crop_of_numbered(const MediaTensor& t, const Preprocessing& p, int x0, int y0) {
  ASSERT_EQ(t.frames, 1);
  ASSERT_EQ(t.data.size(), size_t(3 * t.height * t.width));
  for (int y = 0; y < t.height; ++y) {
    for (int x = 0; x < t.width; ++x) {
      const int v = 10 * (x + x0) + (y + y0);
      const uint8_t rgb[3] = {uint8_t(v), uint8_t(100 + v), uint8_t(200 - v)};
      for (int c = 0; c < 3; ++c) {
        EXPECT_FLOAT_EQ(t.data[(c * t.height + y) * t.width + x], normalised(rgb[c], p, c))
            << "c=" << c << " y=" << y << " x=" << x;
      }
    }
  }
}

// ---- video_sample_indices ---------------------------------------------------------

TEST(VideoSampleIndices, OneFrameFromTheMiddleOfEachSecond) {
  EXPECT_EQ(video_sample_indices(50, 10, 1, 8), (std::vector<int>{5, 15, 25, 35, 45}));
  EXPECT_EQ(video_sample_indices(50, 10, 2, 20).size(), 10u);
  // A partial last second still gives a frame, from the middle of what is there.
  EXPECT_EQ(video_sample_indices(52, 10, 1, 8), (std::vector<int>{5, 15, 25, 35, 45, 51}));
  EXPECT_EQ(video_sample_indices(5, 30, 1, 8), (std::vector<int>{2}));
  EXPECT_EQ(video_sample_indices(1, 30, 1, 8), (std::vector<int>{0}));
}

TEST(VideoSampleIndices, LongClipsAreSpreadEvenlyOverMaxFrames) {
  EXPECT_EQ(video_sample_indices(50, 10, 1, 3), (std::vector<int>{8, 25, 41}));
  EXPECT_EQ(video_sample_indices(30000, 30, 1, 4), (std::vector<int>{3750, 11250, 18750, 26250}));
  EXPECT_EQ(video_sample_indices(50, 10, 1, 1), (std::vector<int>{25}));
}

TEST(VideoSampleIndices, NeverMoreSamplesThanFrames) {
  EXPECT_EQ(video_sample_indices(4, 10, 100, 100), (std::vector<int>{0, 1, 2, 3}));
}

TEST(VideoSampleIndices, UnknownFrameRateSpreadsMaxFrames) {
  EXPECT_EQ(video_sample_indices(100, 0, 1, 4), (std::vector<int>{12, 37, 62, 87}));
  EXPECT_EQ(video_sample_indices(100, std::nan(""), 1, 4), (std::vector<int>{12, 37, 62, 87}));
}

TEST(VideoSampleIndices, EmptyClipAndBadSettings) {
  EXPECT_TRUE(video_sample_indices(0, 30, 1, 8).empty());
  EXPECT_THROW(video_sample_indices(50, 10, 0, 8), ArgumentError);
  EXPECT_THROW(video_sample_indices(50, 10, 1, 0), ArgumentError);
}

TEST(VideoSampleIndices, AlwaysIncreasingAndInRange) {
  for (int count : {1, 2, 7, 29, 30, 31, 299, 1000}) {
    for (double fps : {0.0, 1.0, 23.976, 30.0, 60.0}) {
      for (double rate : {0.1, 0.5, 1.0, 2.0, 100.0}) {
        for (int max_frames : {1, 3, 8, 64}) {
          const std::vector<int> got = video_sample_indices(count, fps, rate, max_frames);
          ASSERT_FALSE(got.empty());
          ASSERT_LE(got.size(), size_t(std::min(count, max_frames)));
          EXPECT_GE(got.front(), 0);
          EXPECT_LT(got.back(), count);
          for (size_t i = 1; i < got.size(); ++i) EXPECT_LT(got[i - 1], got[i]);
        }
      }
    }
  }
}

// ---- preprocess_image: resize, crop, normalise -------------------------------------

TEST(PreprocessImage, IdentityResizeCropsTheCentreAndNormalises) {
  Preprocessing p;
  p.image_size = 2;
  // 4x2: the shorter side is already 2; the crop starts at x = (4 - 2) / 2 = 1.
  expect_crop_of_numbered(preprocess_image(numbered_image(4, 2), p), p, 1, 0);
  // 5x2: (5 - 2) / 2 = 1.5 is rounded down.
  expect_crop_of_numbered(preprocess_image(numbered_image(5, 2), p), p, 1, 0);
  // Portrait 2x5: the crop moves down instead.
  expect_crop_of_numbered(preprocess_image(numbered_image(2, 5), p), p, 0, 1);
  p.resize = "bilinear";
  expect_crop_of_numbered(preprocess_image(numbered_image(3, 2), p), p, 0, 0);
}

TEST(PreprocessImage, HandComputedValues) {
  Preprocessing p;
  p.image_size = 2;
  p.mean = {0.5f, 0.25f, 0.0f};
  p.std = {0.5f, 0.25f, 1.0f};
  const MediaTensor t = preprocess_image(numbered_image(4, 2), p);
  ASSERT_EQ(t.data.size(), 12u);
  // Pixel (1, 0) is RGB {10, 110, 190}: (10/255 - 0.5) / 0.5, (110/255 - 0.25) / 0.25,
  // 190/255; the channels are planes of 2x2, rows then columns.
  EXPECT_NEAR(t.data[0], 10.0 / 255 * 2 - 1, 1e-6);
  EXPECT_NEAR(t.data[4], 110.0 / 255 * 4 - 1, 1e-6);
  EXPECT_NEAR(t.data[8], 190.0 / 255, 1e-6);
  // Pixel (2, 1) is {21, 121, 179}: the last element of each plane.
  EXPECT_NEAR(t.data[3], 21.0 / 255 * 2 - 1, 1e-6);
  EXPECT_NEAR(t.data[7], 121.0 / 255 * 4 - 1, 1e-6);
  EXPECT_NEAR(t.data[11], 179.0 / 255, 1e-6);
}

TEST(PreprocessImage, SolidColoursStaySolidThroughEveryResizePath) {
  for (const auto& size : std::vector<std::pair<int, int>>{{3, 5}, {300, 200}, {1000, 600}}) {
    for (const char* filter : {"bicubic", "bilinear"}) {
      RgbImage image{size.first, size.second, {}};
      for (int i = 0; i < size.first * size.second; ++i) {
        image.rgb.insert(image.rgb.end(), {200, 30, 90});
      }
      Preprocessing p;
      p.image_size = 7;
      p.resize = filter;
      const MediaTensor t = preprocess_image(image, p);
      ASSERT_EQ(t.height, 7);
      ASSERT_EQ(t.width, 7);
      for (int c = 0; c < 3; ++c) {
        const float want = normalised(c == 0 ? 200 : c == 1 ? 30 : 90, p, c);
        for (int i = 0; i < 49; ++i) ASSERT_FLOAT_EQ(t.data[c * 49 + i], want) << filter;
      }
    }
  }
}

// A 3x4000 strip: the crop takes rows (4000 - 3) / 2 = 1998 to 2000, and only the
// centre of the strip is resized (here by 1), so this is quick and small.
TEST(PreprocessImage, LongStripsKeepTheirCentre) {
  RgbImage strip{3, 4000, {}};
  for (int y = 0; y < 4000; ++y) {
    for (int x = 0; x < 3; ++x) strip.rgb.insert(strip.rgb.end(), {uint8_t(y), 0, uint8_t(x)});
  }
  Preprocessing p;
  p.image_size = 3;
  const MediaTensor t = preprocess_image(strip, p);
  ASSERT_EQ(t.data.size(), 27u);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 3; ++x) {
      EXPECT_FLOAT_EQ(t.data[y * 3 + x], normalised(uint8_t(1998 + y), p, 0));
      EXPECT_FLOAT_EQ(t.data[18 + y * 3 + x], normalised(uint8_t(x), p, 2));
    }
  }
  // Resized whole, 1x100000 would become 224x22400000 (15 GB) before the crop.
  const RgbImage thin{1, 100000, Bytes(300000, 77)};
  const MediaTensor small = preprocess_image(thin, Preprocessing());
  EXPECT_FLOAT_EQ(small.data[224 * 224 / 2], normalised(77, Preprocessing(), 0));
}

TEST(PreprocessImage, RefusesBadInputAndSettings) {
  Preprocessing p;
  RgbImage short_buffer{4, 2, Bytes(5)};
  EXPECT_THROW(preprocess_image(short_buffer, p), ArgumentError);
  EXPECT_THROW(preprocess_image(RgbImage{0, 0, {}}, p), ArgumentError);
  const RgbImage good = numbered_image(4, 2);
  p.resize = "nearest";
  EXPECT_THROW(preprocess_image(good, p), ArgumentError);
  p = Preprocessing();
  p.image_size = 0;
  EXPECT_THROW(preprocess_image(good, p), ArgumentError);
  p = Preprocessing();
  p.std[1] = 0;
  EXPECT_THROW(preprocess_image(good, p), ArgumentError);
}

// ---- decoding to RGB8 ----------------------------------------------------------------

TEST_F(MediaTest, GreyRgbaAndSixteenBitBecomeRgb8) {
  cv::Mat grey(2, 3, CV_8UC1);
  for (int i = 0; i < 6; ++i) grey.data[i] = uint8_t(40 * i);
  write_bytes(path("grey.png"), encode(".png", grey));
  RgbImage got = load_image_rgb(path("grey.png"));
  ASSERT_EQ(got.rgb.size(), 18u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got.rgb[3 * i + 1], 40 * i);
  EXPECT_EQ(got.rgb[9], got.rgb[11]);

  // BGRA in OpenCV's order; alpha is dropped (not blended), as PIL's convert("RGB") does.
  const cv::Mat rgba(2, 3, CV_8UC4, cv::Scalar(10, 20, 30, 40));
  write_bytes(path("rgba.png"), encode(".png", rgba));
  got = load_image_rgb(path("rgba.png"));
  EXPECT_EQ(got.rgb, Bytes({30, 20, 10, 30, 20, 10, 30, 20, 10, 30, 20, 10, 30, 20, 10, 30,
                            20, 10}));

  // 16 bits: v / 257 rounded. 0x12FF = 4863 -> 18.92 -> 19, where dropping the low
  // byte would give 18; 65000 -> 252.92 -> 253, where v / 256 would give 254;
  // 25700 -> 100; 128 -> 0; 65535 -> 255.
  cv::Mat deep(1, 2, CV_16UC3);
  deep.at<cv::Vec3w>(0, 0) = {25700, 0x12FF, 65535};  // B, G, R
  deep.at<cv::Vec3w>(0, 1) = {128, 65535, 65000};
  for (const char* ext : {".png", ".tiff"}) {
    const std::string file = path(std::string("deep") + ext);
    write_bytes(file, encode(ext, deep));
    EXPECT_EQ(load_image_rgb(file).rgb, Bytes({255, 19, 100, 253, 255, 0})) << ext;
  }
  const cv::Mat deep_grey(1, 1, CV_16UC1, cv::Scalar(0x12FF));
  write_bytes(path("deep_grey.png"), encode(".png", deep_grey));
  EXPECT_EQ(load_image_rgb(path("deep_grey.png")).rgb, Bytes({19, 19, 19}));
}

TEST_F(MediaTest, LoadImagePreprocessesTheDecodedPixels) {
  const RgbImage numbered = numbered_image(4, 2);
  cv::Mat bgr(2, 4, CV_8UC3);
  for (int i = 0; i < 8; ++i) {
    for (int c = 0; c < 3; ++c) bgr.data[3 * i + c] = numbered.rgb[3 * i + 2 - c];
  }
  write_bytes(path("numbered.png"), encode(".png", bgr));
  Preprocessing p;
  p.image_size = 2;
  expect_crop_of_numbered(load_image(path("numbered.png"), p), p, 1, 0);
  expect_crop_of_numbered(load_media(path("numbered.png"), p), p, 1, 0);
}

// ---- headers -------------------------------------------------------------------------

// A 37x23 image of distinct pixels in every format OpenCV writes.
TEST_F(MediaTest, ReadImageSizeFromEachFormat) {
  cv::Mat image(23, 37, CV_8UC3);
  cv::randu(image, 0, 256);
  cv::Mat with_alpha(23, 37, CV_8UC4);
  cv::randu(with_alpha, 0, 256);
  const std::vector<std::pair<std::string, Bytes>> files = {
      {"a.png", encode(".png", image)},
      {"a.jpg", encode(".jpg", image)},
      {"a.bmp", encode(".bmp", image)},
      {"a.tiff", encode(".tiff", image)},
      {"lossy.webp", encode(".webp", image, {cv::IMWRITE_WEBP_QUALITY, 90})},
      {"lossless.webp", encode(".webp", image, {cv::IMWRITE_WEBP_QUALITY, 101})},
      {"alpha.webp", encode(".webp", with_alpha, {cv::IMWRITE_WEBP_QUALITY, 80})},
  };
  std::vector<std::string> webp_chunks;
  for (const auto& [name, bytes] : files) {
    write_bytes(path(name), bytes);
    const ImageSize size = read_image_size(path(name));
    EXPECT_EQ(size.width, 37) << name;
    EXPECT_EQ(size.height, 23) << name;
    EXPECT_EQ(media_kind(path(name)), MediaKind::kImage) << name;
    const RgbImage decoded = load_image_rgb(path(name));
    EXPECT_EQ(decoded.width, 37) << name;
    EXPECT_EQ(decoded.height, 23) << name;
    if (name.find("webp") != std::string::npos) webp_chunks.emplace_back(&bytes[12], &bytes[16]);
  }
  // The three WebP layouts (lossy, lossless, extended) were each parsed above.
  EXPECT_EQ(webp_chunks, (std::vector<std::string>{"VP8 ", "VP8L", "VP8X"}));
}

TEST_F(MediaTest, ReadImageSizeOfBigEndianTiffAndOldBmp) {
  // TIFF "MM": IFD at 8 with ImageWidth (SHORT 300) and ImageLength (LONG 70000).
  const Bytes tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 2,
                      1, 0, 0, 3, 0, 0, 0, 1, 0x01, 0x2C, 0, 0,
                      1, 1, 0, 4, 0, 0, 0, 1, 0, 1, 0x11, 0x70, 0, 0, 0, 0};
  write_bytes(path("big.tif"), tiff);
  ImageSize size = read_image_size(path("big.tif"));
  EXPECT_EQ(size.width, 300);
  EXPECT_EQ(size.height, 70000);
  // BMP with the 12-byte BITMAPCOREHEADER: 16-bit width 5, height 3.
  Bytes bmp = {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0, 12, 0, 0, 0, 5, 0, 3, 0, 1, 0, 24, 0};
  bmp.resize(26 + 3 * 16);
  write_bytes(path("core.bmp"), bmp);
  size = read_image_size(path("core.bmp"));
  EXPECT_EQ(size.width, 5);
  EXPECT_EQ(size.height, 3);
}

// ---- GIF -----------------------------------------------------------------------------

// A GIF89a writer for tests: LZW as in the GIF89a specification, appendix F. The code
// width follows what a decoder knows: it adds a table entry only from the second code
// after a clear, one step behind the encoder.
class GifLzw {
 public:
  explicit GifLzw(int min_code_size) : min_(min_code_size) { reset(); }

  Bytes encode(const Bytes& indices) {
    emit(clear());
    int string = -1;
    for (uint8_t index : indices) {
      if (string < 0) {
        string = index;
        continue;
      }
      const auto found = table_.find({string, index});
      if (found != table_.end()) {
        string = found->second;
        continue;
      }
      emit(string);
      if (encoder_next_ < 4096) {
        table_[{string, index}] = encoder_next_++;
      } else {
        emit(clear());
        reset();
      }
      string = index;
    }
    if (string >= 0) emit(string);
    emit(clear() + 1);
    if (bit_count_ > 0) out_.push_back(uint8_t(bits_));
    return out_;
  }

 private:
  int clear() const { return 1 << min_; }
  void reset() {
    table_.clear();
    width_ = min_ + 1;
    encoder_next_ = decoder_next_ = clear() + 2;
    codes_since_clear_ = 0;
  }
  void emit(int code) {
    bits_ |= uint32_t(code) << bit_count_;
    for (bit_count_ += width_; bit_count_ >= 8; bit_count_ -= 8, bits_ >>= 8) {
      out_.push_back(uint8_t(bits_));
    }
    if (code == clear()) return;
    if (codes_since_clear_++ > 0 && decoder_next_ < 4096) {
      if (++decoder_next_ == 1 << width_ && width_ < 12) ++width_;
    }
  }

  int min_;
  std::map<std::pair<int, int>, int> table_;
  int width_ = 0, encoder_next_ = 0, decoder_next_ = 0, codes_since_clear_ = 0;
  uint32_t bits_ = 0;
  int bit_count_ = 0;
  Bytes out_;
};

void append_u16(Bytes& out, int value) {
  out.push_back(uint8_t(value & 0xFF));
  out.push_back(uint8_t(value >> 8));
}

// A one-frame GIF89a: screen size, palette (3 bytes an entry, a power of two from 2 to
// 256 entries), and a frame at (left, top) in stored row order.
struct GifSpec {
  int screen_width = 0, screen_height = 0, background = 0;
  Bytes palette;
  int left = 0, top = 0, width = 0, height = 0;
  bool interlaced = false;
  Bytes indices;
};

Bytes make_gif(const GifSpec& spec) {
  int table_bits = 1;
  while ((3 << table_bits) < int(spec.palette.size())) ++table_bits;
  Bytes out = {'G', 'I', 'F', '8', '9', 'a'};
  append_u16(out, spec.screen_width);
  append_u16(out, spec.screen_height);
  out.insert(out.end(), {uint8_t(0x80 | (table_bits - 1)), uint8_t(spec.background), 0});
  out.insert(out.end(), spec.palette.begin(), spec.palette.end());
  out.insert(out.end(), {0x21, 0xFE, 4, 't', 'e', 's', 't', 0});  // a comment extension
  out.push_back(0x2C);
  for (int v : {spec.left, spec.top, spec.width, spec.height}) append_u16(out, v);
  out.push_back(spec.interlaced ? 0x40 : 0);
  const int min_code_size = std::max(2, table_bits);
  out.push_back(uint8_t(min_code_size));
  const Bytes data = GifLzw(min_code_size).encode(spec.indices);
  for (size_t at = 0; at < data.size(); at += 255) {
    const size_t n = std::min<size_t>(255, data.size() - at);
    out.push_back(uint8_t(n));
    out.insert(out.end(), data.begin() + long(at), data.begin() + long(at + n));
  }
  out.insert(out.end(), {0, 0x3B});
  return out;
}

GifSpec random_gif(int width, int height, uint32_t seed) {
  std::mt19937 random(seed);
  GifSpec spec;
  spec.screen_width = spec.width = width;
  spec.screen_height = spec.height = height;
  for (int i = 0; i < 256 * 3; ++i) spec.palette.push_back(uint8_t(random()));
  // Runs and repeats, so the dictionary holds long strings, and noise, so it fills.
  for (int i = 0; i < width * height; ++i) {
    spec.indices.push_back(uint8_t(i % 7 == 0 ? random() : (i / 5) % 13));
  }
  return spec;
}

// The RGB the decoder must give: palette colours, stored rows mapped if interlaced.
Bytes expected_gif_rgb(const GifSpec& spec) {
  std::vector<int> rows;
  if (spec.interlaced) {
    const std::pair<int, int> passes[] = {{0, 8}, {4, 8}, {2, 4}, {1, 2}};  // start, step
    for (const auto& [start, step] : passes) {
      for (int y = start; y < spec.height; y += step) rows.push_back(y);
    }
  } else {
    for (int y = 0; y < spec.height; ++y) rows.push_back(y);
  }
  Bytes rgb(size_t(spec.width) * spec.height * 3);
  for (int n = 0; n < spec.height; ++n) {
    for (int x = 0; x < spec.width; ++x) {
      const uint8_t index = spec.indices[size_t(n) * spec.width + x];
      for (int c = 0; c < 3; ++c) {
        rgb[(size_t(rows[n]) * spec.width + x) * 3 + c] = spec.palette[3 * index + c];
      }
    }
  }
  return rgb;
}

// FFmpeg's GIF decoder, through OpenCV, as an independent reader of the same bytes.
Bytes ffmpeg_first_frame_rgb(const std::string& path) {
  cv::VideoCapture capture(path, cv::CAP_FFMPEG);
  cv::Mat bgr;
  if (!capture.read(bgr)) return {};
  Bytes rgb;
  for (int y = 0; y < bgr.rows; ++y) {
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
      rgb.insert(rgb.end(), {p[2], p[1], p[0]});
    }
  }
  return rgb;
}

TEST_F(MediaTest, GifSmallestFile) {
  // A well-known 1x1 GIF89a: two-entry palette (white, black), LZW bytes 44 01 = the
  // 3-bit codes clear (4), 0, end (5).
  const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 255, 255, 255, 0, 0,
                     0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B};
  write_bytes(path("one.gif"), gif);
  EXPECT_EQ(media_kind(path("one.gif")), MediaKind::kImage);
  const RgbImage got = load_image_rgb(path("one.gif"));
  EXPECT_EQ(got.width, 1);
  EXPECT_EQ(got.height, 1);
  EXPECT_EQ(got.rgb, Bytes({255, 255, 255}));
}

TEST_F(MediaTest, GifThreeByTwo) {
  GifSpec spec;
  spec.screen_width = spec.width = 3;
  spec.screen_height = spec.height = 2;
  spec.palette = {255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7};
  spec.indices = {0, 1, 2, 3, 0, 1};
  write_bytes(path("small.gif"), make_gif(spec));
  const ImageSize size = read_image_size(path("small.gif"));
  EXPECT_EQ(size.width, 3);
  EXPECT_EQ(size.height, 2);
  const RgbImage got = load_image_rgb(path("small.gif"));
  EXPECT_EQ(got.rgb, Bytes({255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7, 255, 0, 0, 0, 255, 0}));
  EXPECT_EQ(ffmpeg_first_frame_rgb(path("small.gif")), got.rgb);
}

// Large enough that the code width grows to 12 bits and the table is cleared, checked
// against both the known pixels and FFmpeg's reading of the same file.
TEST_F(MediaTest, GifCompressedAndInterlacedAgreeWithFfmpeg) {
  for (bool interlaced : {false, true}) {
    GifSpec spec = random_gif(301, 203, interlaced ? 2 : 1);
    spec.interlaced = interlaced;
    const std::string file = path(interlaced ? "interlaced.gif" : "plain.gif");
    write_bytes(file, make_gif(spec));
    const RgbImage got = load_image_rgb(file);
    ASSERT_EQ(got.width, 301);
    ASSERT_EQ(got.height, 203);
    EXPECT_TRUE(got.rgb == expected_gif_rgb(spec)) << "interlaced " << interlaced;
    EXPECT_TRUE(ffmpeg_first_frame_rgb(file) == got.rgb) << "interlaced " << interlaced;
  }
}

TEST_F(MediaTest, GifFrameSmallerThanTheScreenSitsOnTheBackground) {
  GifSpec spec;
  spec.screen_width = 4, spec.screen_height = 3, spec.background = 1;
  spec.palette = {10, 20, 30, 40, 50, 60};
  spec.left = 1, spec.top = 1, spec.width = 2, spec.height = 1;
  spec.indices = {0, 0};
  write_bytes(path("framed.gif"), make_gif(spec));
  const RgbImage got = load_image_rgb(path("framed.gif"));
  ASSERT_EQ(got.rgb.size(), 36u);
  for (int i = 0; i < 12; ++i) {
    const bool in_frame = i == 5 || i == 6;
    EXPECT_EQ(got.rgb[3 * i], in_frame ? 10 : 40) << i;
  }
}

TEST_F(MediaTest, GifBrokenFilesAreRefused) {
  const Bytes gif = make_gif(random_gif(40, 30, 3));
  write_bytes(path("cut.gif"), Bytes(gif.begin(), gif.begin() + long(gif.size() / 2)));
  expect_file_error(path("cut.gif"), "truncated", [&] { load_image_rgb(path("cut.gif")); });
  Bytes no_image = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, 0x3B};
  write_bytes(path("empty.gif"), no_image);
  expect_file_error(path("empty.gif"), "no image", [&] { load_image_rgb(path("empty.gif")); });
  // Code 7 cannot come first after a clear: the table has no entries yet.
  Bytes bad = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 1, 2, 3, 4, 5, 6,
               0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 1, 0x3C, 0, 0x3B};
  write_bytes(path("bad.gif"), bad);
  expect_file_error(path("bad.gif"), "corrupt", [&] { load_image_rgb(path("bad.gif")); });
}

// ---- EXIF orientation ----------------------------------------------------------------

// Splices an APP1 Exif segment holding only Orientation (tag 0x0112, SHORT) after the
// SOI marker: "Exif\0\0", a little-endian TIFF header, one IFD with one entry.
Bytes with_orientation(const Bytes& jpeg, int orientation) {
  const Bytes app1 = {0xFF, 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
                      1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, uint8_t(orientation), 0, 0, 0,
                      0, 0, 0, 0};
  Bytes out(jpeg.begin(), jpeg.begin() + 2);
  out.insert(out.end(), app1.begin(), app1.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

TEST_F(MediaTest, ExifOrientationIsApplied) {
  // 16x8 stored: left half red, right half blue (BGR order here).
  cv::Mat stored(8, 16, CV_8UC3, cv::Scalar(0, 0, 255));
  stored(cv::Rect(8, 0, 8, 8)).setTo(cv::Scalar(255, 0, 0));
  write_bytes(path("rotated.jpg"), with_orientation(encode(".jpg", stored), 6));
  // The header keeps the stored size.
  EXPECT_EQ(read_image_size(path("rotated.jpg")).width, 16);
  // Orientation 6 (EXIF 2.3, CIPA DC-008): the stored top row is the visual right
  // side, so the image turns 90 degrees clockwise and the stored left goes to the top.
  const RgbImage got = load_image_rgb(path("rotated.jpg"));
  ASSERT_EQ(got.width, 8);
  ASSERT_EQ(got.height, 16);
  const uint8_t* top = &got.rgb[(2 * 8 + 4) * 3];
  const uint8_t* bottom = &got.rgb[(13 * 8 + 4) * 3];
  EXPECT_GT(top[0], 200);
  EXPECT_LT(top[2], 60);
  EXPECT_LT(bottom[0], 60);
  EXPECT_GT(bottom[2], 200);
}

// ---- refusals ------------------------------------------------------------------------

TEST_F(MediaTest, PixelLimitIsCheckedFromTheHeaderBeforeDecoding) {
  // A PNG signature and an IHDR claiming 20000x20000, with a wrong CRC and no image
  // data: decoding would fail differently, so the message proves it was not tried.
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
               0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 2, 0, 0, 0, 1, 2, 3, 4};
  write_bytes(path("huge.png"), png);
  const ImageSize size = read_image_size(path("huge.png"));
  EXPECT_EQ(size.width, 20000);
  EXPECT_EQ(size.height, 20000);
  expect_file_error(path("huge.png"), "is 20000x20000 pixels (400 megapixels), more than the "
                    "limit of 100 megapixels", [&] { load_image_rgb(path("huge.png")); });
  Preprocessing p;
  p.max_megapixels = 0.0005;  // 500 pixels
  cv::Mat small(20, 30, CV_8UC3, cv::Scalar(1, 2, 3));
  write_bytes(path("small.png"), encode(".png", small));
  expect_file_error(path("small.png"), "30x20 pixels (0.0006 megapixels)",
                    [&] { load_image(path("small.png"), p); });
}

TEST_F(MediaTest, MissingEmptyAndNonMediaFiles) {
  const std::string missing = "/tmp/ñandú/照片.png";
  expect_file_error(missing, "does not exist", [&] { load_image_rgb(missing); });
  expect_file_error(missing, "does not exist", [&] { load_media(missing, Preprocessing()); });
  expect_file_error(missing, "does not exist", [&] { read_image_size(missing); });
  expect_file_error(missing, "does not exist", [&] { media_kind(missing); });
  expect_file_error(dir_.string(), "is a directory", [&] { load_image_rgb(dir_.string()); });
  write_bytes(path("empty.png"), {});
  expect_file_error(path("empty.png"), "is empty", [&] { load_image_rgb(path("empty.png")); });
  write_text(path("notes.png"), "just some text, not a picture\n");
  expect_file_error(path("notes.png"), "is not an image",
                    [&] { load_image_rgb(path("notes.png")); });
  write_text(path("notes.txt"), "just some text\n");
  EXPECT_EQ(media_kind(path("notes.txt")), MediaKind::kUnsupported);
  expect_file_error(path("notes.txt"), "is not an image or video",
                    [&] { load_media(path("notes.txt"), Preprocessing()); });
}

TEST_F(MediaTest, NonAsciiPathsWork) {
  fs::create_directories(dir_ / "ñandú");
  const std::string file = path("ñandú/照片.png");
  write_bytes(file, encode(".png", cv::Mat(3, 5, CV_8UC3, cv::Scalar(1, 2, 3))));
  EXPECT_EQ(read_image_size(file).width, 5);
  EXPECT_EQ(load_image_rgb(file).rgb[0], 3);
}

TEST_F(MediaTest, TruncatedImagesAreRefused) {
  cv::Mat image(64, 80, CV_8UC3);
  cv::randu(image, 0, 256);
  for (const char* ext : {".png", ".jpg", ".bmp", ".webp", ".tiff"}) {
    const Bytes whole = encode(ext, image);
    const std::string file = path(std::string("half") + ext);
    write_bytes(file, Bytes(whole.begin(), whole.begin() + long(whole.size() / 2)));
    // OpenCV's TIFFs keep their directory last, so half a TIFF has no header.
    expect_file_error(file, "is truncated", [&] { load_image_rgb(file); });
  }
}

void append_u32(Bytes& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

// A little-endian 8x8 RGB TIFF with its directory first and one uncompressed strip of
// 192 bytes after it (TIFF 6.0: tags 256-259, 262, 273, 277-279; types 3 SHORT, 4 LONG).
Bytes directory_first_tiff() {
  Bytes out = {'I', 'I', 42, 0, 8, 0, 0, 0, 9, 0};
  const uint32_t bits_at = 8 + 2 + 9 * 12 + 4, strip_at = bits_at + 6;
  const uint32_t entries[9][3] = {{256, 3, 8},  {257, 3, 8},  {258, 3, bits_at},
                                  {259, 3, 1},  {262, 3, 2},  {273, 4, strip_at},
                                  {277, 3, 3},  {278, 3, 8},  {279, 4, 192}};
  for (const auto& [tag, type, value] : entries) {
    append_u16(out, int(tag));
    append_u16(out, int(type));
    append_u32(out, tag == 258 ? 3 : 1);
    append_u32(out, value);
  }
  append_u32(out, 0);
  for (int i = 0; i < 3; ++i) append_u16(out, 8);
  for (int i = 0; i < 192; ++i) out.push_back(uint8_t(i));
  return out;
}

TEST_F(MediaTest, TiffWithItsStripCutShortIsRefusedByLibtiff) {
  const Bytes whole = directory_first_tiff();
  write_bytes(path("whole.tif"), whole);
  const RgbImage got = load_image_rgb(path("whole.tif"));
  ASSERT_EQ(got.width, 8);
  EXPECT_EQ(got.rgb[4], 4);
  // The header is intact; libtiff finds the strip short and OpenCV returns nothing.
  write_bytes(path("cut.tif"), Bytes(whole.begin(), whole.end() - 100));
  expect_file_error(path("cut.tif"), "could not be decoded as TIFF",
                    [&] { load_image_rgb(path("cut.tif")); });
}

// ---- real photographs ----------------------------------------------------------------

// Photographs from lomiri-wallpapers-16.04: missing files fail the test, as the
// dependency script installs them.
const char kPhotoDir[] = "/usr/share/backgrounds/";
struct Photo {
  const char* name;
  int width, height;
};
const Photo kPhotos[] = {
    {"Picture_1A_by_freespace.jpg", 1365, 1074},     // progressive (SOF2)
    {"analogpattern_by_Peter_Nerlich.jpg", 2880, 2160},  // baseline (SOF0)
    {"Wine_by_Jakkub_Mede.jpg", 2560, 3837},         // portrait, progressive
};

TEST_F(MediaTest, RealPhotographs) {
  Preprocessing p;
  for (const Photo& photo : kPhotos) {
    const std::string file = kPhotoDir + std::string(photo.name);
    ASSERT_TRUE(fs::exists(file)) << file << " is missing: run scripts/install-deps.sh";
    const ImageSize size = read_image_size(file);
    EXPECT_EQ(size.width, photo.width) << file;
    EXPECT_EQ(size.height, photo.height) << file;
    const MediaTensor t = load_media(file, p);
    ASSERT_EQ(t.frames, 1);
    ASSERT_EQ(t.height, 224);
    ASSERT_EQ(t.width, 224);
    ASSERT_FALSE(t.is_video);
    for (int c = 0; c < 3; ++c) {
      double sum = 0, square = 0;
      for (int i = 0; i < 224 * 224; ++i) {
        const float v = t.data[c * 224 * 224 + i];
        ASSERT_TRUE(std::isfinite(v));
        sum += v, square += double(v) * v;
      }
      const double mean = sum / (224 * 224), spread = std::sqrt(square / (224 * 224) - mean * mean);
      // Inside the range of (x/255 - mean) / std, and a photograph, not a flat field.
      EXPECT_GT(mean, -1.8) << file << " channel " << c;
      EXPECT_LT(mean, 2.2) << file << " channel " << c;
      EXPECT_GT(spread, 0.05) << file << " channel " << c;
    }
  }
}

TEST_F(MediaTest, DamagedPhotographs) {
  for (const Photo& photo : kPhotos) {
    const std::string source = kPhotoDir + std::string(photo.name);
    ASSERT_TRUE(fs::exists(source)) << source << " is missing: run scripts/install-deps.sh";
    const Bytes whole = read_bytes(source);
    const std::string half = path(std::string("half_") + photo.name);
    write_bytes(half, Bytes(whole.begin(), whole.begin() + long(whole.size() / 2)));
    expect_file_error(half, "is truncated", [&] { load_image(half, Preprocessing()); });
    // Flipped bytes in the middle: libjpeg may decode it with damage or refuse it;
    // either way no crash, and a FileError names the file if refused.
    Bytes flipped = whole;
    for (size_t i = whole.size() / 2; i < whole.size() / 2 + 2000; ++i) flipped[i] ^= 0x5A;
    const std::string corrupt = path(std::string("corrupt_") + photo.name);
    write_bytes(corrupt, flipped);
    try {
      const MediaTensor t = load_image(corrupt, Preprocessing());
      for (float v : t.data) ASSERT_TRUE(std::isfinite(v));
    } catch (const FileError& e) {
      EXPECT_EQ(e.path(), corrupt);
    }
  }
}

// ---- video ---------------------------------------------------------------------------

// Frame i is one colour that encodes i: R 100, G 20 * (i / 50), B 5 * (i % 50).
cv::Scalar frame_colour(int i) { return cv::Scalar(5 * (i % 50), 20 * (i / 50), 100); }

void write_clip(const std::string& file, int frames, double fps) {
  cv::VideoWriter writer(file, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps,
                         cv::Size(64, 48));
  ASSERT_TRUE(writer.isOpened()) << "OpenCV cannot write MJPG AVI here: " << file;
  for (int i = 0; i < frames; ++i) writer.write(cv::Mat(48, 64, CV_8UC3, frame_colour(i)));
}

// The source frame index each sampled frame's colour encodes.
std::vector<int> decoded_frame_numbers(const MediaTensor& t, const Preprocessing& p) {
  std::vector<int> numbers;
  for (int f = 0; f < t.frames; ++f) {
    const int y = t.height / 2, x = t.width / 2;
    EXPECT_NEAR(denormalised(t, p, f, 0, y, x), 100, 4) << "frame " << f;
    numbers.push_back(int(std::lround(denormalised(t, p, f, 1, y, x) / 20)) * 50 +
                      int(std::lround(denormalised(t, p, f, 2, y, x) / 5)));
  }
  return numbers;
}

TEST_F(MediaTest, VideoSampledAtOneFramePerSecond) {
  write_clip(path("clip.avi"), 50, 10);
  Preprocessing p;
  p.image_size = 32;
  EXPECT_EQ(media_kind(path("clip.avi")), MediaKind::kVideo);
  const MediaTensor t = load_media(path("clip.avi"), p);
  EXPECT_TRUE(t.is_video);
  EXPECT_NEAR(t.duration_s, 5.0, 1e-9);
  ASSERT_EQ(t.frames, 5);
  EXPECT_EQ(t.height, 32);
  EXPECT_EQ(t.data.size(), size_t(5 * 3 * 32 * 32));
  const std::vector<int> expected = {5, 15, 25, 35, 45};
  EXPECT_EQ(t.frame_indices, expected);
  EXPECT_EQ(decoded_frame_numbers(t, p), expected);
  p.max_frames = 3;
  const MediaTensor three = load_video(path("clip.avi"), p);
  EXPECT_EQ(three.frame_indices, (std::vector<int>{8, 25, 41}));
  EXPECT_EQ(decoded_frame_numbers(three, p), (std::vector<int>{8, 25, 41}));
}

TEST_F(MediaTest, LongVideoIsReachedBySeeking) {
  // 60 s at 10 fps: eight samples 75 frames apart, beyond the forward-decoding gap.
  fs::create_directories(dir_ / "ñandú");
  const std::string file = path("ñandú/長い.avi");
  write_clip(file, 600, 10);
  Preprocessing p;
  p.image_size = 16;
  const MediaTensor t = load_video(file, p);
  const std::vector<int> expected = {37, 112, 187, 262, 337, 412, 487, 562};
  EXPECT_EQ(t.frame_indices, expected);
  EXPECT_EQ(decoded_frame_numbers(t, p), expected);
  EXPECT_NEAR(t.duration_s, 60.0, 1e-9);
}

TEST_F(MediaTest, BrokenVideosAreRefused) {
  write_bytes(path("zero.avi"), {});
  expect_file_error(path("zero.avi"), "is empty",
                    [&] { load_media(path("zero.avi"), Preprocessing()); });
  write_text(path("notes.mp4"), "this is text, not a video\n");
  EXPECT_EQ(media_kind(path("notes.mp4")), MediaKind::kVideo);  // by its extension
  expect_file_error(path("notes.mp4"), "could not be opened as a video",
                    [&] { load_media(path("notes.mp4"), Preprocessing()); });
  expect_file_error(path("missing.avi"), "does not exist",
                    [&] { load_video(path("missing.avi"), Preprocessing()); });
  write_clip(path("clip.avi"), 20, 10);
  Preprocessing p;
  p.max_megapixels = 0.001;
  expect_file_error(path("clip.avi"), "64x48 pixels",
                    [&] { load_video(path("clip.avi"), p); });
  expect_file_error(path("clip.avi"), "is a video, not an image",
                    [&] { load_image(path("clip.avi"), Preprocessing()); });
  write_bytes(path("still.png"), encode(".png", cv::Mat(4, 4, CV_8UC3, cv::Scalar(0))));
  expect_file_error(path("still.png"), "is an image, not a video",
                    [&] { load_video(path("still.png"), Preprocessing()); });
}

}  // namespace
}  // namespace flamingo
