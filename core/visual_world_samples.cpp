// Sample media for the welcome screen: scenes of the visual world at a size people can
// see, and the "try this" cards that go with them.
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/visual_world.h"
#include "core/visual_world_internal.h"

namespace flamingo::world {

namespace {

namespace fs = std::filesystem;

constexpr int kSampleSize = 128;
constexpr uint64_t kSampleSeed = 20220429;  // the day the Flamingo paper appeared

cv::Mat to_bgr(const RgbImage& image) {
  cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

// Clean images: the model sees them shrunk to its input size, which averages noise away.
void write_png(const fs::path& dir, const std::string& name, const Scene& scene) {
  const std::string path = (dir / name).string();
  bool ok = false;
  try {
    ok = cv::imwrite(path, to_bgr(render(scene, kSampleSize)));
  } catch (const cv::Exception& e) {
    throw FileError(path, std::string("cannot be written: ") + e.what());
  }
  if (!ok) throw FileError(path, "cannot be written");
}

// One frame a second: a model sampling at Flamingo's 1 frame per second sees every frame.
void write_clip(const fs::path& dir, const std::string& name, const Clip& clip) {
  const std::string path = (dir / name).string();
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 1.0,
                         cv::Size(kSampleSize, kSampleSize), true);
  if (!writer.isOpened()) throw FileError(path, "cannot be written as an MJPG video");
  for (const Scene& frame : clip.frames) writer.write(to_bgr(render(frame, kSampleSize)));
  writer.release();
  if (!fs::exists(path) || fs::file_size(path) == 0) throw FileError(path, "was not written");
}

nlohmann::json card(const std::string& title, const std::string& kind, const std::string& prompt,
                    const std::vector<std::string>& media, const std::string& answer) {
  return {
      {"title", title}, {"kind", kind}, {"prompt", prompt}, {"media", media}, {"answer", answer}};
}

}  // namespace

void write_samples(const std::string& dir_name) {
  const fs::path dir(dir_name);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw FileError(dir_name, "cannot be created: " + error.message());
  internal::Rng rng(internal::mix(kSampleSeed));
  nlohmann::json cards = nlohmann::json::array();

  const Scene two = internal::caption_scene(rng);
  write_png(dir, "caption.png", two);
  cards.push_back(card("Describe a picture", "caption",
                       std::string(kImageMarker) + "Output:", {"caption.png"}, caption_text(two)));

  const Scene three = internal::random_scene(rng, 3, 3);
  write_png(dir, "shapes.png", three);
  const std::string q = std::string(kImageMarker) + "Question: ";
  cards.push_back(card("Count the shapes", "question",
                       q + "how many shapes are there? Short answer:", {"shapes.png"}, "three"));
  const Object& named = three.objects[0];
  cards.push_back(card("Ask about a colour", "question",
                       q + "what colour is the " + shape_name(named.shape) + "? Short answer:",
                       {"shapes.png"}, colour_name(named.colour)));

  // Frozen's two classic nonsense words (Tsimpoukelli et al., 2021), both training words.
  const std::vector<int> shapes = internal::pick(rng, kShapeCount, 2);
  const Scene dax = internal::single_shape_scene(rng, static_cast<Shape>(shapes[0]));
  const Scene blicket = internal::single_shape_scene(rng, static_cast<Shape>(shapes[1]));
  const Scene query = internal::single_shape_scene(rng, static_cast<Shape>(shapes[1]));
  write_png(dir, "dax.png", dax);
  write_png(dir, "blicket.png", blicket);
  write_png(dir, "query.png", query);
  const std::string end = kEndOfChunk;
  cards.push_back(card("Learn new words", "binding",
                       std::string(kImageMarker) + "This is a dax." + end + kImageMarker +
                           "This is a blicket." + end + q + "what is this? Short answer:",
                       {"dax.png", "blicket.png", "query.png"}, "blicket"));

  const Clip clip = internal::random_clip(rng, Event::kMoveLeft, 6);
  write_clip(dir, "clip.avi", clip);
  cards.push_back(card("Watch a clip", "question",
                       q + "which way does the " + shape_name(clip.frames[0].objects[0].shape) +
                           " move? Short answer:",
                       {"clip.avi"}, "left"));

  const std::string json_path = (dir / "samples.json").string();
  std::ofstream out(json_path, std::ios::trunc);
  out << nlohmann::json{{"cards", cards}}.dump(2) << "\n";
  if (!out.good()) throw FileError(json_path, "cannot be written");
}

}  // namespace flamingo::world
