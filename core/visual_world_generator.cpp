// The Generator and its document builder: seeds, the training mix, text-only documents
// and evaluation episodes.
#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/visual_world.h"
#include "core/visual_world_internal.h"

namespace flamingo::world {

using internal::below;
using internal::between;
using internal::DocumentBuilder;

namespace {

constexpr int kNoise = 6;  // levels of uniform pixel noise in generated images

// Picks an index with probability proportional to its weight.
size_t weighted(internal::Rng& rng, const std::vector<int>& weights) {
  int total = 0;
  for (int w : weights) total += w;
  int x = static_cast<int>(below(rng, static_cast<uint64_t>(total)));
  for (size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.size() - 1;
}

}  // namespace

// Training generators draw from the even streams (seed << 1) and evaluation ones from
// the odd ones ((seed << 1) | 1), so no training seed ever reproduces an evaluation
// episode; SplitMix64 decorrelates neighbouring seeds before they seed mt19937_64.
Generator::Generator(uint64_t seed, int image_size, Split split)
    : rng_(internal::mix((seed << 1) | (split == Split::kEval ? 1 : 0))),
      image_size_(image_size),
      split_(split) {
  if (seed >> 63) throw ArgumentError("seed " + std::to_string(seed) + " is not below 2^63");
  if (image_size < 8 || image_size > 1024) {
    throw ArgumentError("image size " + std::to_string(image_size) + " is not in 8..1024");
  }
  text_words_ = nonsense_words(false);
  const std::vector<std::string> held = nonsense_words(true);
  text_words_.insert(text_words_.end(), held.begin(), held.end());
  internal::shuffle(rng_, text_words_);
}

Scene Generator::random_scene(int min_objects, int max_objects) {
  return internal::random_scene(rng_, min_objects, max_objects);
}

Clip Generator::random_clip(Event event, int frames) {
  return internal::random_clip(rng_, event, frames);
}

RgbImage Generator::draw(const Scene& scene) { return render(scene, image_size_, kNoise, rng_()); }

Document Generator::caption(int shots) {
  DocumentBuilder b(*this, "caption", false);
  internal::build_caption(b, shots);
  return b.document();
}

Document Generator::vqa(int shots) {
  DocumentBuilder b(*this, "vqa", false);
  internal::build_vqa(b, shots, false);
  return b.document();
}

Document Generator::video(int shots) {
  DocumentBuilder b(*this, "video", false);
  internal::build_video(b, shots);
  return b.document();
}

Document Generator::binding(int ways, int shots, bool held_out) {
  if (held_out && split_ == Split::kTrain) {
    throw ArgumentError("held-out words are for evaluation generators only");
  }
  DocumentBuilder b(*this, "binding", false);
  b.binding_words = held_out ? internal::Words::kHeldOut : internal::Words::kTrain;
  internal::build_binding(b, ways, shots);
  return b.document();
}

Document Generator::binding_without_pictures(int ways, int shots) {
  DocumentBuilder b(*this, "binding", false);
  b.binding_words = internal::Words::kText;
  internal::build_binding(b, ways, shots);
  Document d = b.document();
  d.media.clear();  // held-out words may be among the names, so no picture goes with them
  return d;
}

Document Generator::induction(int shots) {
  DocumentBuilder b(*this, "induction", false);
  internal::build_induction(b, shots);
  return b.document();
}

Document Generator::relation(int shots) {
  DocumentBuilder b(*this, "relation", false);
  internal::build_relation(b, shots);
  return b.document();
}

// Binding weighs most: it is the only kind that brings every nonsense word, held-out
// ones included, into the language model's text (as Flamingo's language model had met
// its words in text before it saw images).
Document Generator::text_only() {
  DocumentBuilder b(*this, "text", true);
  switch (weighted(rng_, {4, 2, 2, 1, 1})) {
    case 0:
      b.binding_words = internal::Words::kText;
      internal::build_binding(b, between(rng_, 2, 5), between(rng_, 1, 4));
      break;
    case 1: internal::build_caption(b, between(rng_, 0, 3)); break;
    case 2: internal::build_vqa(b, between(rng_, 0, 3), false); break;
    case 3: internal::build_induction(b, between(rng_, 1, 6)); break;
    default: internal::build_video(b, between(rng_, 0, 2)); break;
  }
  return b.document();
}

Document Generator::scene_text() {
  DocumentBuilder b(*this, "text", true);
  const int shots = between(rng_, 0, 3);
  below(rng_, 3) == 0 ? internal::build_caption(b, shots) : internal::build_vqa(b, shots, false);
  return b.document();
}

Document Generator::language_document() {
  return internal::coin(rng_) ? text_only() : random_document();
}

Document Generator::random_document(const DocumentMix& mix) {
  const std::vector<int> weights = mix.weights();
  if (std::any_of(weights.begin(), weights.end(), [](int w) { return w < 0; }) ||
      std::accumulate(weights.begin(), weights.end(), 0) <= 0) {
    throw ArgumentError("a document mix needs weights of 0 or more, not all 0");
  }
  switch (weighted(rng_, weights)) {
    case 0: return caption(between(rng_, 0, 3));
    case 1: return vqa(between(rng_, 0, 3));
    case 2: return binding(between(rng_, 2, 5), between(rng_, 1, 3));
    case 3: return induction(between(rng_, 1, 4));
    case 4: return video(between(rng_, 0, 2));
    case 5: return text_only();
    default: return relation(between(rng_, 0, 3));
  }
}

Episode Generator::episode(const std::string& suite, int ways, int shots) {
  const std::string kind = suite == "choice" ? "vqa" : suite == "binding-seen" ? "binding" : suite;
  DocumentBuilder b(*this, kind, false);
  if (suite == "caption") {
    internal::build_caption(b, shots);
  } else if (suite == "vqa" || suite == "choice") {
    internal::build_vqa(b, shots, suite == "choice");
  } else if (suite == "binding" || suite == "binding-seen") {
    const bool held_out = suite == "binding";
    if (held_out && split_ == Split::kTrain) {
      throw ArgumentError("held-out words are for evaluation generators only");
    }
    b.binding_words = held_out ? internal::Words::kHeldOut : internal::Words::kTrain;
    internal::build_binding(b, ways, shots);
  } else if (suite == "induction") {
    internal::build_induction(b, shots);
  } else if (suite == "video") {
    internal::build_video(b, shots);
  } else if (suite == "relation") {
    internal::build_relation(b, shots);
  } else {
    throw ArgumentError("unknown evaluation suite \"" + suite +
                        "\" (caption, vqa, choice, binding, binding-seen, induction, video, relation)");
  }
  return b.episode(suite);
}

Episode eval_episode(const std::string& suite, int ways, int shots, uint64_t seed, int image_size) {
  Generator g(seed, image_size, Split::kEval);
  return g.episode(suite, ways, shots);
}

namespace internal {

DocumentBuilder::DocumentBuilder(Generator& g, const std::string& kind, bool is_textual)
    : generator(g), rng(GeneratorAccess::rng(g)), textual(is_textual) {
  doc_.kind = kind;
}

void DocumentBuilder::see(const Scene& scene) {
  if (textual) return see_key(scene_key(scene));
  doc_.text += kImageMarker;
  doc_.media.push_back({{generator.draw(scene)}, {scene}});
}

void DocumentBuilder::see(const Clip& clip) {
  if (textual) return see_key(clip_key(clip));
  doc_.text += kImageMarker;
  Media media;
  for (const Scene& frame : clip.frames) media.frames.push_back(generator.draw(frame));
  media.scenes = clip.frames;
  doc_.media.push_back(std::move(media));
}

void DocumentBuilder::see_key(const std::string& key) { doc_.text += "[" + key + "] "; }

void DocumentBuilder::say(const std::string& text) { doc_.text += text; }

void DocumentBuilder::answer(const std::string& answer, bool predictable,
                             const std::vector<std::string>& wrong) {
  const size_t begin = doc_.text.size();
  doc_.text += " " + answer;
  last_answer_ = {begin, doc_.text.size()};
  if (predictable) doc_.answer_spans.push_back(last_answer_);
  doc_.text += kEndOfChunk;
  choices_ = {" " + answer};
  for (const std::string& w : wrong) choices_.push_back(" " + w);
  shuffle(rng, choices_);
}

void DocumentBuilder::end_chunk() { doc_.text += kEndOfChunk; }

Document DocumentBuilder::document() { return doc_; }

Episode DocumentBuilder::episode(const std::string& suite) {
  Episode e;
  e.suite = suite;
  e.prompt = doc_.text.substr(0, last_answer_.first);
  e.answer = doc_.text.substr(last_answer_.first, last_answer_.second - last_answer_.first);
  e.media = doc_.media;
  e.choices = choices_;
  return e;
}

std::vector<std::string> GeneratorAccess::next_text_words(Generator& g, int count) {
  std::vector<std::string> out;
  while (static_cast<int>(out.size()) < count) {
    if (g.text_word_next_ == g.text_words_.size()) {  // a new pass, in a new order
      shuffle(g.rng_, g.text_words_);
      g.text_word_next_ = 0;
    }
    const std::string& w = g.text_words_[g.text_word_next_++];
    if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  }
  return out;
}

}  // namespace internal
}  // namespace flamingo::world
