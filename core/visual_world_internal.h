#pragma once
// What the visual_world_*.cpp files share and nothing else includes: portable random
// helpers, scene sampling and the document builder. Plain C++, no OpenCV.
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/visual_world.h"

namespace flamingo::world::internal {

using Rng = std::mt19937_64;

// The standard fixes mt19937_64's output sequence but not what its distributions make
// of it, so every draw goes through these helpers and is the same with any library.
uint64_t below(Rng& rng, uint64_t n);   // uniform in [0, n), n > 0
int between(Rng& rng, int lo, int hi);  // uniform in [lo, hi]
double unit(Rng& rng);                  // uniform in [0, 1), 53 bits
float uniform(Rng& rng, float lo, float hi);
bool coin(Rng& rng);
std::vector<int> pick(Rng& rng, int n, int k);  // k distinct values of [0, n), in random order
template <typename T>
void shuffle(Rng& rng, std::vector<T>& items) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(rng, i)]);
}
uint64_t mix(uint64_t x);  // SplitMix64's finaliser: nearby seeds, unrelated streams

// Scenes.
inline constexpr float kMargin = 0.02f;  // between a shape's circle and the image edge
inline constexpr float kGap = 0.03f;     // between the circles of two shapes
// Places every object at a random free position; false when one found no room.
bool place_objects(Rng& rng, std::vector<Object>& objects);
bool overlaps(const Object& a, const Object& b);
Scene random_scene(Rng& rng, int min_objects, int max_objects);
// One or two objects whose relation is clear: one axis apart 1.5 times the other.
Scene caption_scene(Rng& rng);
// caption_text(), or with flip_relation the same caption with the opposite relation
// (a wrong caption for close-ended scoring).
std::string caption_text(const Scene& scene, bool flip_relation);
// One object of `shape`, any colour, size, place and background (binding examples).
Scene single_shape_scene(Rng& rng, Shape shape);
// 1..4 objects of one shape and one colour (task induction).
Scene uniform_scene(Rng& rng);
Clip random_clip(Rng& rng, Event event, int frames);

// Words.
std::string count_word(int n);                // 1 -> "one"
std::string size_word(const Object& object);  // "small" or "large"
std::string scene_key(const Scene& scene);    // "small red circle at 2,5; ..."
std::string clip_key(const Clip& clip);       // first frame's key "then" the last's
bool word_is_held_out(const std::vector<int>& syllable_indices);
// 2..4 nonsense words among which no head and no tail occurs twice (held-out
// combinations included, as in the text-only cycle).
std::vector<std::string> distinct_syllable_words(Rng& rng);

enum class Words { kTrain, kHeldOut, kText };

// Builds a document chunk by chunk, and cuts its last answer out as an episode.
class DocumentBuilder {
 public:
  DocumentBuilder(Generator& generator, const std::string& kind, bool textual);

  Generator& generator;
  Rng& rng;
  const bool textual;  // textual keys instead of images (text-only documents)
  Words binding_words = Words::kTrain;

  void see(const Scene& scene);  // <image> and the rendered scene, or its key
  void see(const Clip& clip);
  void see_key(const std::string& key);  // textual documents only
  void say(const std::string& text);
  // The answer with its leading space, then <|endofchunk|>. Predictable answers become
  // answer spans; the last answer given is the episode's, with `wrong` as its choices.
  void answer(const std::string& answer, bool predictable, const std::vector<std::string>& wrong);
  void end_chunk();  // a chunk without an answer

  Document document();
  Episode episode(const std::string& suite);

 private:
  Document doc_;
  std::pair<size_t, size_t> last_answer_{0, 0};
  std::vector<std::string> choices_;
};

// "Question: Q Short answer:", the cue every answer follows.
void question(DocumentBuilder& b, const std::string& q);

// Each builds shots examples and one query into b.
void build_caption(DocumentBuilder& b, int shots);
void build_vqa(DocumentBuilder& b, int shots, bool choice_only);
// Relation questions only, half of them asking which side (training only).
void build_relation(DocumentBuilder& b, int shots);
void build_video(DocumentBuilder& b, int shots);
void build_binding(DocumentBuilder& b, int ways, int shots);  // from b.binding_words
void build_induction(DocumentBuilder& b, int shots);

// What the builders need of a Generator's private state.
struct GeneratorAccess {
  static Rng& rng(Generator& g) { return g.rng_; }
  static Split split(const Generator& g) { return g.split_; }
  // The next `count` distinct words of the text-only cycle through every word.
  static std::vector<std::string> next_text_words(Generator& g, int count);
};

}  // namespace flamingo::world::internal
