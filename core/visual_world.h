#pragma once
// The visual world: a deterministic generator of images, short videos and interleaved
// documents (text with <image> markers) from which the bundled tiny Flamingo model is
// trained and evaluated. Scenes hold one to four coloured shapes; documents caption
// them, ask questions about them, bind nonsense words to shapes within one episode
// (Frozen's "fast concept binding", Tsimpoukelli et al., 2021), let examples decide the
// kind of answer (task induction), and ask what happens in a clip. Plain types only:
// OpenCV stays inside the .cpp files. See docs/visual-world.md.
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/media.h"

namespace flamingo::world {

// The markers of Flamingo's interleaved text (Alayrac et al., 2022, section 2.1): one
// <image> where a medium is seen, and an end-of-chunk token after the text it goes with.
inline constexpr char kImageMarker[] = "<image>";
inline constexpr char kEndOfChunk[] = "<|endofchunk|>";

enum class Shape { kCircle, kSquare, kTriangle, kStar, kCross, kHeart };
inline constexpr int kShapeCount = 6;
inline constexpr int kColourCount = 8;      // shape colours, named in text
inline constexpr int kBackgroundCount = 4;  // never named, never a shape colour
inline constexpr int kMaxObjects = 4;

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

std::string shape_name(Shape shape);  // "circle"
std::string colour_name(int colour);  // "red"; colour in [0, kColourCount)
Rgb colour_rgb(int colour);
Rgb background_rgb(int background);  // background in [0, kBackgroundCount)

// One shape. The centre (x, y) is a fraction of the image side, y downwards. `scale`
// shrinks the shape below its size class; only videos that grow or shrink use it.
struct Object {
  Shape shape = Shape::kCircle;
  int colour = 0;
  bool large = false;
  float x = 0.5f, y = 0.5f;
  float scale = 1.0f;
};

struct Scene {
  int background = 0;
  std::vector<Object> objects;
};

// The radius of the circle the object's shape fits in, as a fraction of the image side.
// Objects of a scene keep these circles apart, so shapes never overlap.
float object_radius(const Object& object);

// Draws a scene at size x size pixels, anti-aliased, then adds uniform noise of
// +-noise levels to every channel (drawn from noise_seed). Deterministic.
RgbImage render(const Scene& scene, int size, int noise = 0, uint64_t noise_seed = 0);

// The caption of a scene of one or two objects: "a small red circle" or
// "a small red circle left of a large blue star." (period included). The relation is
// the one along the axis where the two centres are further apart.
std::string caption_text(const Scene& scene);

// "left of", "right of", "above" or "below": where a lies from b along the axis where
// they are further apart.
std::string relation_text(const Object& a, const Object& b);

// What happens in a clip. Moves go 0.06 of the image side per frame.
enum class Event { kMoveLeft, kMoveRight, kMoveUp, kMoveDown, kGrow, kShrink, kChangeColour };
inline constexpr int kEventCount = 7;
std::string event_answer(Event event);  // "it moves left", "it grows", "it changes colour"

// A clip: one scene per frame; objects[0] is the one the event happens to.
struct Clip {
  Event event = Event::kMoveLeft;
  std::vector<Scene> frames;
};

// One medium of a document: an image (one frame) or a video (several). `scenes` is the
// ground truth of each frame, for tests and for error analysis.
struct Media {
  std::vector<RgbImage> frames;
  std::vector<Scene> scenes;
  bool is_video() const { return frames.size() > 1; }
};

// What a medium shows, as the textual keys of docs/visual-world.md write it: "small red
// circle at 2,5; ..." for an image, the first frame's key "then" the last's for a clip.
std::string media_key(const Media& media);

// An interleaved document. `text` holds one <image> marker per medium, in order.
// answer_spans are [begin, end) byte ranges of text the model can predict from what comes
// before (captions, short answers, a bound word in a query): each starts with the space
// after "Output:" or "Short answer:" and ends right before the <|endofchunk|> marker.
struct Document {
  std::string kind;  // caption, vqa, binding, induction, video, text, relation
  std::string text;
  std::vector<Media> media;
  std::vector<std::pair<size_t, size_t>> answer_spans;
};

// An evaluation episode: prompt + answer + "<|endofchunk|>" is the whole document.
// The prompt ends with the answer cue ("Output:" or "Short answer:"); the answer starts
// with the space a model generates after the cue (" dax"). `choices` holds the answer
// and three wrong ones, shuffled, each with its leading space, for close-ended scoring;
// yes/no questions have just the two.
struct Episode {
  std::string suite;
  std::string prompt;
  std::vector<Media> media;
  std::string answer;
  std::vector<std::string> choices;
};

// The syllables nonsense words are made of, and the words themselves: 256 of them, 192
// for training and 64 held out. Held-out words are new combinations of the same
// syllables; no training generator ever puts one next to an image.
std::vector<std::string> syllables();
std::vector<std::string> nonsense_words(bool held_out);

// The kinds of the training mix and their weights (not fractions; docs/visual-world.md).
// `relation` documents ask only where one shape lies from another, half of them which
// side ("is the circle left or right of the star?"), a training-only question.
struct DocumentMix {
  int caption = 15, vqa = 25, binding = 25, induction = 10, video = 10, text = 15, relation = 0;
  std::vector<int> weights() const {
    return {caption, vqa, binding, induction, video, text, relation};
  }
};

// Training and evaluation draw from disjoint seed streams (docs/visual-world.md).
enum class Split { kTrain, kEval };

namespace internal {
struct GeneratorAccess;
}

class Generator {
 public:
  // seed must be below 2^63; image_size in [8, 1024]. An ArgumentError otherwise.
  explicit Generator(uint64_t seed, int image_size = 32, Split split = Split::kTrain);

  int image_size() const { return image_size_; }

  // min_objects..max_objects objects (within 1..4), all shapes and all colours distinct.
  Scene random_scene(int min_objects, int max_objects);
  // A clip of `frames` (4..8) frames; a still distractor of another shape may join.
  Clip random_clip(Event event, int frames);
  // render() at image_size with this generator's noise.
  RgbImage draw(const Scene& scene);

  // Each document is `shots` examples and one query of the same kind.
  Document caption(int shots = 0);
  Document vqa(int shots = 0);
  Document video(int shots = 0);
  // ways in 2..5, shots in 0..8. held_out words only in an evaluation generator.
  Document binding(int ways, int shots, bool held_out = false);
  // A binding episode with its <image> markers and no pictures, its names from every
  // word as text_only()'s are: stage 1's. With training words only, such episodes did
  // not lower stage 1's report on held-out questions; with every word they did
  // (docs/training.md, eighteenth run).
  Document binding_without_pictures(int ways, int shots);
  // Colour, shape or count, as the shots (0..8) show.
  Document induction(int shots);
  // Relation questions only (DocumentMix::relation).
  Document relation(int shots);
  // The same kinds with a textual key ("[small red circle at 2,5]") for each image;
  // every nonsense word, held-out ones included, comes up within 128 binding texts.
  Document text_only();
  // Questions (two in three) and captions over textual keys of scenes of one to four
  // shapes: stage 1's scene curriculum, so that the language model learns to carry the
  // shape or colour a question names to where its answer is read (docs/training.md,
  // "Ninth run").
  Document scene_text();
  // The training mix of docs/visual-world.md, or another one.
  Document random_document(const DocumentMix& mix = {});
  // Half text-only documents, half the training mix: stage 1's data with
  // --keyed-text-stage1, so that matching a key and copying the name that
  // followed it is a larger part of what the language model learns.
  Document language_document();

  // A document of a suite of eval_episode() cut into an episode; the `binding` suite
  // (held-out words) only in an evaluation generator.
  Episode episode(const std::string& suite, int ways, int shots);

 private:
  friend struct internal::GeneratorAccess;
  std::mt19937_64 rng_;
  int image_size_;
  Split split_;
  std::vector<std::string> text_words_;  // every word, shuffled, for text_only()
  size_t text_word_next_ = 0;
};

// An evaluation episode of a suite: caption, vqa, choice (colour, shape and count
// questions only), binding (held-out words), binding-seen (training words), induction,
// video or relation (where one shape lies from another: which side, or yes or no; a
// diagnosis of vqa's relation questions). ways matters for binding only; shots is the
// number of examples before the query. The same arguments give the same episode.
Episode eval_episode(const std::string& suite, int ways, int shots, uint64_t seed,
                     int image_size = 32);

// Writes the welcome screen's samples into dir (created if needed): PNG images and one
// MJPG AVI clip at 128 x 128, and samples.json listing "try this" cards. A FileError
// when something cannot be written.
void write_samples(const std::string& dir);

}  // namespace flamingo::world
