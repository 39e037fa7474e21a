// Drawing scenes with OpenCV, describing them in words, and sampling clips.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.h"
#include "core/visual_world.h"
#include "core/visual_world_internal.h"

namespace flamingo::world {

namespace {

using Polygon = std::vector<cv::Point2d>;

constexpr double kPi = 3.14159265358979323846;
constexpr int kShift = 4;       // OpenCV's fractional bits: vertices at 1/16 pixel
constexpr float kStep = 0.06f;  // how far a moving shape goes each frame

// Centres the polygon's bounding box on the origin and scales it so that its farthest
// vertex lies at `reach`, a fraction of the object's radius.
Polygon fit(Polygon p, double reach) {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const auto& v : p) {
    x0 = std::min(x0, v.x), x1 = std::max(x1, v.x), y0 = std::min(y0, v.y), y1 = std::max(y1, v.y);
  }
  double far = 0;
  for (auto& v : p) {
    v -= cv::Point2d((x0 + x1) / 2, (y0 + y1) / 2);
    far = std::max(far, std::hypot(v.x, v.y));
  }
  for (auto& v : p) v *= reach / far;
  return p;
}

// n points around a circle from -90 degrees (the top; y grows downwards), radii cycling.
Polygon around(int n, const std::vector<double>& radii) {
  Polygon p;
  for (int i = 0; i < n; ++i) {
    const double a = -kPi / 2 + 2 * kPi * i / n;
    const double r = radii[i % radii.size()];
    p.emplace_back(r * std::cos(a), r * std::sin(a));
  }
  return p;
}

Polygon heart() {
  // The classic heart curve x = 16 sin^3 t, y = 13 cos t - 5 cos 2t - 2 cos 3t - cos 4t,
  // flipped so that its lobes are on top.
  Polygon p;
  for (int i = 0; i < 48; ++i) {
    const double t = 2 * kPi * i / 48;
    const double s = std::sin(t);
    p.emplace_back(16 * s * s * s, -(13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) -
                                     std::cos(4 * t)));
  }
  return p;
}

Polygon cross() {
  const double w = 0.3, l = 1.0;  // arm half-width and length
  return {{-w, -l}, {w, -l}, {w, -w}, {l, -w}, {l, w},   {w, w},
          {w, l},   {-w, l}, {-w, w}, {-l, w}, {-l, -w}, {-w, -w}};
}

// Unit outlines, fitted inside the unit circle. Fills differ (a triangle covers less of
// its circle than a square) so that the six shapes differ in area as well as outline.
const std::array<Polygon, kShapeCount>& outlines() {
  static const std::array<Polygon, kShapeCount> shapes{
      fit(around(64, {1.0}), 0.9),        // circle (drawn with cv::circle)
      fit(around(4, {1.0}), 0.95),        // square: a diamond turned below
      fit(around(3, {1.0}), 1.0),         // triangle pointing up
      fit(around(10, {1.0, 0.45}), 1.0),  // five-pointed star
      fit(cross(), 1.0),                  // plus sign
      fit(heart(), 1.0)};                 // heart
  return shapes;
}

cv::Point fixed(double x, double y) {
  return {static_cast<int>(std::lround(x * (1 << kShift))),
          static_cast<int>(std::lround(y * (1 << kShift)))};
}

void draw_object(cv::Mat& canvas, const Object& o) {
  const Rgb c = colour_rgb(o.colour);
  const cv::Scalar colour(c.r, c.g, c.b);  // the canvas is RGB, not OpenCV's BGR
  const double side = canvas.cols, r = object_radius(o) * side;
  const double cx = o.x * side, cy = o.y * side;
  if (o.shape == Shape::kCircle) {
    cv::circle(canvas, fixed(cx, cy), static_cast<int>(std::lround(0.9 * r * (1 << kShift))),
               colour, cv::FILLED, cv::LINE_AA, kShift);
    return;
  }
  // The square's outline is a diamond; turning it by 45 degrees stands it upright.
  const bool turn = o.shape == Shape::kSquare;
  const double k = std::sqrt(0.5);
  std::vector<cv::Point> points;
  for (const auto& v : outlines()[static_cast<size_t>(o.shape)]) {
    const double x = turn ? k * (v.x - v.y) : v.x, y = turn ? k * (v.x + v.y) : v.y;
    points.push_back(fixed(cx + r * x, cy + r * y));
  }
  cv::fillPoly(canvas, std::vector<std::vector<cv::Point>>{points}, colour, cv::LINE_AA, kShift);
}

// The mean of each factor x factor block, rounded: what INTER_AREA computes for a whole
// factor, written out because it is several times faster at these sizes and its result
// does not depend on OpenCV's version.
RgbImage average_down(const cv::Mat& canvas, int factor) {
  const int size = canvas.cols / factor, count = factor * factor;
  const size_t wide = size_t(canvas.cols) * 3;
  RgbImage image{size, size, std::vector<uint8_t>(size_t(size) * size * 3)};
  std::vector<int> column(wide);  // the block's rows summed, one value a canvas channel
  for (int y = 0; y < size; ++y) {
    std::fill(column.begin(), column.end(), 0);
    for (int dy = 0; dy < factor; ++dy) {
      const uint8_t* row = canvas.ptr<uint8_t>(y * factor + dy);
      for (size_t i = 0; i < wide; ++i) column[i] += row[i];
    }
    uint8_t* out = &image.rgb[size_t(y) * size * 3];
    for (size_t x = 0; x < size_t(size); ++x) {
      for (size_t c = 0; c < 3; ++c) {
        int sum = 0;
        for (size_t k = 0; k < size_t(factor); ++k) sum += column[(x * factor + k) * 3 + c];
        out[x * 3 + c] = uint8_t((sum + count / 2) / count);
      }
    }
  }
  return image;
}

void add_noise(RgbImage& image, int noise, uint64_t seed) {
  if (noise == 0) return;
  internal::Rng rng(seed);
  for (uint8_t& v : image.rgb) {
    const int delta = static_cast<int>(internal::below(rng, 2 * noise + 1)) - noise;
    v = static_cast<uint8_t>(std::clamp(v + delta, 0, 255));
  }
}

}  // namespace

RgbImage render(const Scene& scene, int size, int noise, uint64_t noise_seed) {
  if (size < 8 || size > 1024) {
    throw ArgumentError("image size " + std::to_string(size) + " is not in 8..1024");
  }
  if (noise < 0 || noise > 64) {
    throw ArgumentError("noise " + std::to_string(noise) + " is not in 0..64");
  }
  // Drawn on a canvas up to four times larger and averaged down: smoother edges than
  // OpenCV's anti-aliasing alone, and close to what preprocessing does to a large image.
  const int factor = std::clamp(256 / size, 1, 4);
  const Rgb bg = background_rgb(scene.background);
  cv::Mat canvas(size * factor, size * factor, CV_8UC3, cv::Scalar(bg.r, bg.g, bg.b));
  for (const Object& o : scene.objects) draw_object(canvas, o);
  RgbImage image = average_down(canvas, factor);
  add_noise(image, noise, noise_seed);
  return image;
}

std::string relation_text(const Object& a, const Object& b) {
  const float dx = a.x - b.x, dy = a.y - b.y;
  if (std::fabs(dx) >= std::fabs(dy)) return dx < 0 ? "left of" : "right of";
  return dy < 0 ? "above" : "below";
}

namespace {

std::string noun_phrase(const Object& o) {
  return "a " + internal::size_word(o) + " " + colour_name(o.colour) + " " + shape_name(o.shape);
}

}  // namespace

std::string caption_text(const Scene& scene) { return internal::caption_text(scene, false); }

namespace internal {

std::string caption_text(const Scene& scene, bool flip_relation) {
  const auto& objects = scene.objects;
  if (objects.empty() || objects.size() > 2) {
    throw ArgumentError("a caption describes one or two objects, not " +
                        std::to_string(objects.size()));
  }
  if (objects.size() == 1) return noun_phrase(objects[0]) + ".";
  // Reading order: the object on the left (or, along a vertical relation, the upper
  // one) comes first. Each scene then has one caption, which exact match needs: in the
  // order objects were drawn in, half the two-object captions were a coin toss.
  const Object* first = &objects[0];
  const Object* second = &objects[1];
  const std::string drawn = relation_text(*first, *second);
  if (drawn == "right of" || drawn == "below") std::swap(first, second);
  const std::string relation = flip_relation ? relation_text(*second, *first)  // the opposite
                                             : relation_text(*first, *second);
  return noun_phrase(*first) + " " + relation + " " + noun_phrase(*second) + ".";
}

}  // namespace internal

std::string event_answer(Event event) {
  static const std::array<const char*, kEventCount> kAnswers{
      "it moves left", "it moves right", "it moves up",      "it moves down",
      "it grows",      "it shrinks",     "it changes colour"};
  const int i = static_cast<int>(event);
  if (i < 0 || i >= kEventCount) throw ArgumentError("event " + std::to_string(i) + " unknown");
  return kAnswers[i];
}

namespace internal {

namespace {

// The subject of a clip in frame i of n.
Object subject_at(const Object& start, Event event, int i, int n, int new_colour) {
  Object o = start;
  const float done = static_cast<float>(i) / static_cast<float>(n - 1);
  switch (event) {
    case Event::kMoveLeft: o.x -= kStep * i; break;
    case Event::kMoveRight: o.x += kStep * i; break;
    case Event::kMoveUp: o.y -= kStep * i; break;
    case Event::kMoveDown: o.y += kStep * i; break;
    case Event::kGrow: o.scale = 0.5f + 0.5f * done; break;
    case Event::kShrink: o.scale = 1.0f - 0.5f * done; break;
    case Event::kChangeColour: o.colour = i >= n / 2 ? new_colour : start.colour; break;
  }
  return o;
}

// A start from which the whole path stays inside the image, on one axis.
float start_on_axis(Rng& rng, float lo, float hi, float direction, float travel) {
  if (direction < 0) return uniform(rng, lo + travel, hi);
  if (direction > 0) return uniform(rng, lo, hi - travel);
  return uniform(rng, lo, hi);
}

}  // namespace

Clip random_clip(Rng& rng, Event event, int frames) {
  if (frames < 4 || frames > 8) {
    throw ArgumentError("a clip has 4..8 frames, not " + std::to_string(frames));
  }
  const bool resize = event == Event::kGrow || event == Event::kShrink;
  Object s{static_cast<Shape>(below(rng, kShapeCount)),
           static_cast<int>(below(rng, kColourCount)),
           resize || coin(rng),
           0,
           0,
           1};
  const float lo = object_radius(s) + kMargin, hi = 1.0f - lo, travel = kStep * (frames - 1);
  const float dx = event == Event::kMoveLeft ? -1.f : event == Event::kMoveRight ? 1.f : 0.f;
  const float dy = event == Event::kMoveUp ? -1.f : event == Event::kMoveDown ? 1.f : 0.f;
  s.x = start_on_axis(rng, lo, hi, dx, travel);
  s.y = start_on_axis(rng, lo, hi, dy, travel);
  const int new_colour =
      (s.colour + 1 + static_cast<int>(below(rng, kColourCount - 1))) % kColourCount;
  Clip clip{event, {}};
  Scene scene;
  scene.background = static_cast<int>(below(rng, kBackgroundCount));
  for (int i = 0; i < frames; ++i) {
    scene.objects = {subject_at(s, event, i, frames, new_colour)};
    clip.frames.push_back(scene);
  }
  // Half the clips have a still distractor of another shape and colour, clear of the
  // subject's whole path, so that the question's noun matters.
  if (!coin(rng)) return clip;
  Object d{static_cast<Shape>(
               (static_cast<int>(s.shape) + 1 + static_cast<int>(below(rng, kShapeCount - 1))) %
               kShapeCount),
           0,
           coin(rng),
           0,
           0,
           1};
  do {
    d.colour = static_cast<int>(below(rng, kColourCount));
  } while (d.colour == s.colour || d.colour == new_colour);
  const float dlo = object_radius(d) + kMargin;
  for (int attempt = 0; attempt < 100; ++attempt) {
    d.x = uniform(rng, dlo, 1.0f - dlo), d.y = uniform(rng, dlo, 1.0f - dlo);
    const bool clear = std::none_of(clip.frames.begin(), clip.frames.end(),
                                    [&](const Scene& f) { return overlaps(f.objects[0], d); });
    if (clear) {
      for (Scene& f : clip.frames) f.objects.push_back(d);
      break;
    }
  }
  return clip;
}

}  // namespace internal
}  // namespace flamingo::world
