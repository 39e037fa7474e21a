// The visual world's vocabulary (shapes, colours, nonsense words), its portable random
// helpers and scene sampling. Rendering is in visual_world_render.cpp, documents in
// visual_world_documents.cpp and visual_world_text.cpp.
#include "core/visual_world.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/visual_world_internal.h"

namespace flamingo::world {

namespace {

constexpr std::array<const char*, kShapeCount> kShapeNames{"circle", "square", "triangle",
                                                           "star",   "cross",  "heart"};

// Saturated colours far apart in RGB so that each stays itself at 32 x 32 after
// anti-aliasing and noise; the tests assert that every pair, and every colour and
// background, lie at least 75 levels apart (yellow and orange are the closest, 83).
constexpr std::array<const char*, kColourCount> kColourNames{"red",    "green",  "blue",  "yellow",
                                                             "purple", "orange", "white", "black"};
constexpr std::array<Rgb, kColourCount> kColours{{{220, 30, 30},
                                                  {30, 160, 50},
                                                  {40, 80, 230},
                                                  {245, 215, 40},
                                                  {150, 50, 190},
                                                  {250, 135, 20},
                                                  {250, 250, 250},
                                                  {15, 15, 15}}};
// Muted tones, unnamed, each far from every shape colour (grey, sand, slate, sage).
constexpr std::array<Rgb, kBackgroundCount> kBackgrounds{
    {{128, 128, 128}, {195, 175, 135}, {70, 85, 110}, {120, 150, 125}}};

// Nonsense words are a head syllable, optionally a second, different head, and a tail:
// "dax" is da + x, "blicket" bli + cket, "zofex" zo + fe + x. Heads end in a vowel and
// tails are consonants only, so every word splits into syllables one way only.
constexpr std::array<const char*, 8> kHeads{"da", "bli", "wu", "zo", "fe", "ku", "mo", "yi"};
constexpr std::array<const char*, 4> kTails{"x", "cket", "g", "f"};
constexpr int kHeadCount = static_cast<int>(kHeads.size());
constexpr int kTailCount = static_cast<int>(kTails.size());

void check_colour(int colour) {
  if (colour < 0 || colour >= kColourCount) {
    throw ArgumentError("colour " + std::to_string(colour) + " is not in 0.." +
                        std::to_string(kColourCount - 1));
  }
}

}  // namespace

std::string shape_name(Shape shape) {
  const int i = static_cast<int>(shape);
  if (i < 0 || i >= kShapeCount) throw ArgumentError("shape " + std::to_string(i) + " unknown");
  return kShapeNames[i];
}

std::string colour_name(int colour) {
  check_colour(colour);
  return kColourNames[colour];
}

Rgb colour_rgb(int colour) {
  check_colour(colour);
  return kColours[colour];
}

Rgb background_rgb(int background) {
  if (background < 0 || background >= kBackgroundCount) {
    throw ArgumentError("background " + std::to_string(background) + " is not in 0.." +
                        std::to_string(kBackgroundCount - 1));
  }
  return kBackgrounds[background];
}

float object_radius(const Object& object) {
  // Sizes chosen so that a small star still shows its points at 32 x 32 (about 9
  // pixels across) and four large shapes still fit.
  return (object.large ? 0.22f : 0.14f) * object.scale;
}

std::vector<std::string> syllables() {
  std::vector<std::string> out(kHeads.begin(), kHeads.end());
  out.insert(out.end(), kTails.begin(), kTails.end());
  return out;
}

std::vector<std::string> nonsense_words(bool held_out) {
  std::vector<std::string> out;
  for (int h = 0; h < kHeadCount; ++h) {
    for (int t = 0; t < kTailCount; ++t) {
      if (internal::word_is_held_out({h, t}) == held_out) {
        out.push_back(std::string(kHeads[h]) + kTails[t]);
      }
    }
  }
  for (int h = 0; h < kHeadCount; ++h) {
    for (int m = 0; m < kHeadCount; ++m) {
      if (m == h) continue;
      for (int t = 0; t < kTailCount; ++t) {
        if (internal::word_is_held_out({h, m, t}) == held_out) {
          out.push_back(std::string(kHeads[h]) + kHeads[m] + kTails[t]);
        }
      }
    }
  }
  return out;
}

namespace internal {

// A quarter of the combinations is held out, chosen by the sum of the syllable indices so
// that every head and every tail occurs in both lists: held-out words are new
// combinations of familiar syllables, never new syllables.
bool word_is_held_out(const std::vector<int>& syllable_indices) {
  int sum = 0;
  for (int i : syllable_indices) sum += i;
  return sum % 4 == 3;
}

std::vector<std::string> distinct_syllable_words(Rng& rng) {
  const int count = between(rng, 2, kTailCount);
  const std::vector<int> tails = pick(rng, kTailCount, count);
  std::vector<int> heads = pick(rng, kHeadCount, kHeadCount);
  std::vector<std::string> words;
  for (int i = 0; i < count; ++i) {
    const int after = count - i - 1;  // words still to come, one head each at least
    const int n_heads = static_cast<int>(heads.size()) - 2 >= after ? between(rng, 1, 2) : 1;
    std::string w;
    for (int k = 0; k < n_heads; ++k) w += kHeads[heads.back()], heads.pop_back();
    words.push_back(w + kTails[tails[i]]);
  }
  return words;
}

uint64_t below(Rng& rng, uint64_t n) {
  // Rejects the last partial block of 2^64 so that every residue is equally likely.
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

int between(Rng& rng, int lo, int hi) {
  return lo + static_cast<int>(below(rng, static_cast<uint64_t>(hi - lo) + 1));
}

double unit(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

float uniform(Rng& rng, float lo, float hi) {
  return lo + static_cast<float>(unit(rng) * static_cast<double>(hi - lo));
}

bool coin(Rng& rng) { return (rng() >> 63) != 0; }

std::vector<int> pick(Rng& rng, int n, int k) {
  std::vector<int> all(n);
  for (int i = 0; i < n; ++i) all[i] = i;
  shuffle(rng, all);
  all.resize(k);
  return all;
}

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool overlaps(const Object& a, const Object& b) {
  const float dx = a.x - b.x, dy = a.y - b.y;
  const float reach = object_radius(a) + object_radius(b) + kGap;
  return dx * dx + dy * dy < reach * reach;
}

bool place_objects(Rng& rng, std::vector<Object>& objects) {
  for (size_t i = 0; i < objects.size(); ++i) {
    const float lo = object_radius(objects[i]) + kMargin, hi = 1.0f - lo;
    bool placed = false;
    for (int attempt = 0; attempt < 100 && !placed; ++attempt) {
      objects[i].x = uniform(rng, lo, hi);
      objects[i].y = uniform(rng, lo, hi);
      placed = std::none_of(objects.begin(), objects.begin() + static_cast<long>(i),
                            [&](const Object& o) { return overlaps(o, objects[i]); });
    }
    if (!placed) return false;
  }
  return true;
}

Scene random_scene(Rng& rng, int min_objects, int max_objects) {
  if (min_objects < 1 || max_objects > kMaxObjects || min_objects > max_objects) {
    throw ArgumentError("a scene holds 1.." + std::to_string(kMaxObjects) + " objects, not " +
                        std::to_string(min_objects) + ".." + std::to_string(max_objects));
  }
  const int n = between(rng, min_objects, max_objects);
  Scene scene;
  scene.background = static_cast<int>(below(rng, kBackgroundCount));
  const std::vector<int> shapes = pick(rng, kShapeCount, n), colours = pick(rng, kColourCount, n);
  // Four large shapes rarely fit: after a few failures every shape is drawn small,
  // which always fits, so the loop ends.
  for (int attempt = 0;; ++attempt) {
    scene.objects.clear();
    for (int i = 0; i < n; ++i) {
      const bool large = attempt < 20 && coin(rng);
      scene.objects.push_back({static_cast<Shape>(shapes[i]), colours[i], large, 0, 0, 1});
    }
    if (place_objects(rng, scene.objects)) return scene;
  }
}

Scene caption_scene(Rng& rng) {
  for (;;) {
    Scene scene = random_scene(rng, 1, 2);
    if (scene.objects.size() == 1) return scene;
    const float dx = std::fabs(scene.objects[0].x - scene.objects[1].x);
    const float dy = std::fabs(scene.objects[0].y - scene.objects[1].y);
    if (dx >= 1.5f * dy || dy >= 1.5f * dx) return scene;
  }
}

Scene single_shape_scene(Rng& rng, Shape shape) {
  Scene scene;
  scene.background = static_cast<int>(below(rng, kBackgroundCount));
  scene.objects.push_back({shape, static_cast<int>(below(rng, kColourCount)), coin(rng), 0, 0, 1});
  place_objects(rng, scene.objects);  // one object always fits
  return scene;
}

Scene uniform_scene(Rng& rng) {
  const int n = between(rng, 1, kMaxObjects);
  const auto shape = static_cast<Shape>(below(rng, kShapeCount));
  const int colour = static_cast<int>(below(rng, kColourCount));
  Scene scene;
  scene.background = static_cast<int>(below(rng, kBackgroundCount));
  for (int attempt = 0;; ++attempt) {
    scene.objects.clear();
    for (int i = 0; i < n; ++i) {
      scene.objects.push_back({shape, colour, attempt < 20 && coin(rng), 0, 0, 1});
    }
    if (place_objects(rng, scene.objects)) return scene;
  }
}

std::string count_word(int n) {
  static const std::array<const char*, kMaxObjects> kWords{"one", "two", "three", "four"};
  if (n < 1 || n > kMaxObjects) throw ArgumentError("no count word for " + std::to_string(n));
  return kWords[n - 1];
}

std::string size_word(const Object& object) {
  // A growing or shrinking shape counts as large from three quarters of its full size.
  return object.large && object.scale >= 0.75f ? "large" : "small";
}

namespace {

int tenth(float v) { return std::clamp(static_cast<int>(std::floor(v * 10.0f)), 0, 9); }

}  // namespace

std::string scene_key(const Scene& scene) {
  std::string key;
  for (const Object& o : scene.objects) {
    if (!key.empty()) key += "; ";
    key += size_word(o) + " " + colour_name(o.colour) + " " + shape_name(o.shape) + " at " +
           std::to_string(tenth(o.x)) + "," + std::to_string(tenth(o.y));
  }
  return key;
}

std::string clip_key(const Clip& clip) {
  return scene_key(clip.frames.front()) + " then " + scene_key(clip.frames.back());
}

}  // namespace internal

std::string media_key(const Media& media) {
  if (media.scenes.empty()) throw ArgumentError("a medium without its scenes has no key");
  if (media.scenes.size() == 1) return internal::scene_key(media.scenes.front());
  return internal::scene_key(media.scenes.front()) + " then " + internal::scene_key(media.scenes.back());
}
}  // namespace flamingo::world
