// The interleaved documents of the visual world, built chunk by chunk. Prompts follow
// the evaluation prompts of OpenFlamingo (Awadalla et al., 2023): "<image>Output:" for
// captions and "<image>Question: ... Short answer:" for questions, each chunk closed by
// Flamingo's end-of-chunk token. The grammar is small and fixed so that exact-match
// scoring is fair; docs/visual-world.md lists it.
#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.h"
#include "core/visual_world.h"
#include "core/visual_world_internal.h"

namespace flamingo::world::internal {

namespace {

void check_shots(int shots) {
  if (shots < 0 || shots > 8) {
    throw ArgumentError("shots must be in 0..8, not " + std::to_string(shots));
  }
}

// Up to three wrong values: those the image shows first (the harder distractors), then
// the rest, each group in random order.
std::vector<std::string> wrong_values(Rng& rng, int right, const std::vector<int>& shown, int count,
                                      std::string (*name)(int)) {
  std::vector<int> seen, unseen;
  for (int v = 0; v < count; ++v) {
    if (v == right) continue;
    (std::find(shown.begin(), shown.end(), v) != shown.end() ? seen : unseen).push_back(v);
  }
  shuffle(rng, seen);
  shuffle(rng, unseen);
  seen.insert(seen.end(), unseen.begin(), unseen.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < seen.size() && out.size() < 3; ++i) out.push_back(name(seen[i]));
  return out;
}

std::string shape_of(int i) { return shape_name(static_cast<Shape>(i)); }
std::string colour_of(int i) { return colour_name(i); }
std::string count_of(int i) { return count_word(i + 1); }

std::string opposite(const std::string& relation) {
  if (relation == "left of") return "right of";
  if (relation == "right of") return "left of";
  return relation == "above" ? "below" : "above";
}

std::vector<int> colours_of(const Scene& scene) {
  std::vector<int> out;
  for (const Object& o : scene.objects) out.push_back(o.colour);
  return out;
}

std::vector<int> shapes_of(const Scene& scene) {
  std::vector<int> out;
  for (const Object& o : scene.objects) out.push_back(static_cast<int>(o.shape));
  return out;
}

// A value of [0, n) that is not in `used`.
int other_than(Rng& rng, int n, const std::vector<int>& used) {
  for (;;) {
    const int v = static_cast<int>(below(rng, static_cast<uint64_t>(n)));
    if (std::find(used.begin(), used.end(), v) == used.end()) return v;
  }
}

// Captions that differ from the scene's in one word: a colour, a shape or a size the
// scene lacks, or the opposite relation.
std::vector<std::string> wrong_captions(Rng& rng, const Scene& scene) {
  std::vector<std::string> out;
  for (size_t i = 0; i < scene.objects.size(); ++i) {
    Scene s = scene;
    s.objects[i].colour = other_than(rng, kColourCount, colours_of(scene));
    out.push_back(caption_text(s));
    s = scene;
    s.objects[i].shape = static_cast<Shape>(other_than(rng, kShapeCount, shapes_of(scene)));
    out.push_back(caption_text(s));
    s = scene;
    s.objects[i].large = !s.objects[i].large;
    out.push_back(caption_text(s));
  }
  if (scene.objects.size() == 2) out.push_back(caption_text(scene, true));
  shuffle(rng, out);
  out.resize(3);
  return out;
}

// Where one shape lies from another, along an axis where the two centres are at least
// 0.15 apart, so that the answer is clear. `which` asks for the side ("is the circle left
// or right of the star?"), which names the relation itself; otherwise a relation, true or
// its opposite, is asked yes or no, as the vqa suite does.
void relation_chunk(DocumentBuilder& b, bool which) {
  Rng& rng = b.rng;
  for (;;) {
    const Scene scene = random_scene(rng, 2, kMaxObjects);
    const std::vector<int> pair = pick(rng, static_cast<int>(scene.objects.size()), 2);
    const Object &a = scene.objects[pair[0]], &c = scene.objects[pair[1]];
    const bool horizontal = coin(rng);
    const float d = horizontal ? a.x - c.x : a.y - c.y;
    if (std::fabs(d) < 0.15f) continue;
    const std::string truth =
        horizontal ? (d < 0 ? "left of" : "right of") : (d < 0 ? "above" : "below");
    const std::string subject = "is the " + shape_name(a.shape) + " ";
    const std::string object = " the " + shape_name(c.shape) + "?";
    if (which) {
      b.see(scene);
      question(b, subject + (horizontal ? "left or right of" : "above or below") + object);
      const std::string side = truth.substr(0, truth.find(' '));  // "left of" -> "left"
      const std::string other = opposite(truth);
      b.answer(side, true, {other.substr(0, other.find(' '))});
      return;
    }
    const bool yes = coin(rng);  // drawn before the image, as it always was
    b.see(scene);
    question(b, subject + (yes ? truth : opposite(truth)) + object);
    b.answer(yes ? "yes" : "no", true, {yes ? "no" : "yes"});
    return;
  }
}

void vqa_chunk(DocumentBuilder& b, int type) {
  Rng& rng = b.rng;
  if (type == 3) return relation_chunk(b, false);
  const Scene scene = random_scene(rng, 1, kMaxObjects);
  const int n = static_cast<int>(scene.objects.size());
  const Object& o = scene.objects[below(rng, n)];
  b.see(scene);
  if (type == 0) {
    question(b, "how many shapes are there?");
    b.answer(count_word(n), true, wrong_values(rng, n - 1, {}, kMaxObjects, count_of));
  } else if (type == 1) {
    question(b, "what colour is the " + shape_name(o.shape) + "?");
    b.answer(colour_name(o.colour), true,
             wrong_values(rng, o.colour, colours_of(scene), kColourCount, colour_of));
  } else {
    question(b, "what shape is " + colour_name(o.colour) + "?");
    const int s = static_cast<int>(o.shape);
    b.answer(shape_name(o.shape), true,
             wrong_values(rng, s, shapes_of(scene), kShapeCount, shape_of));
  }
}

std::string direction_of(int i) {
  static const std::array<const char*, 4> kDirections{"left", "right", "up", "down"};
  return kDirections[i];
}

std::string event_of(int i) { return event_answer(static_cast<Event>(i)); }

void video_chunk(DocumentBuilder& b) {
  const auto event = static_cast<Event>(below(b.rng, kEventCount));
  const int frames = between(b.rng, 4, 8);
  const Clip clip = random_clip(b.rng, event, frames);
  const std::string subject = shape_name(clip.frames[0].objects[0].shape);
  const int e = static_cast<int>(event);
  const bool move = event <= Event::kMoveDown;
  b.see(clip);
  if (move && coin(b.rng)) {
    question(b, "which way does the " + subject + " move?");
    b.answer(direction_of(e), true, wrong_values(b.rng, e, {}, 4, direction_of));
  } else {
    question(b, "what happens to the " + subject + "?");
    b.answer(event_answer(event), true, wrong_values(b.rng, e, {}, kEventCount, event_of));
  }
}

const std::vector<std::string>& word_list(Words words) {
  static const std::vector<std::string> train = nonsense_words(false), held = nonsense_words(true);
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v = train;
    v.insert(v.end(), held.begin(), held.end());
    return v;
  }();
  return words == Words::kTrain ? train : words == Words::kHeldOut ? held : all;
}

}  // namespace

void question(DocumentBuilder& b, const std::string& q) {
  b.say("Question: " + q + " Short answer:");
}

void build_caption(DocumentBuilder& b, int shots) {
  check_shots(shots);
  for (int i = 0; i <= shots; ++i) {
    const Scene scene = caption_scene(b.rng);
    b.see(scene);
    b.say("Output:");
    b.answer(caption_text(scene), true, wrong_captions(b.rng, scene));
  }
}

void build_vqa(DocumentBuilder& b, int shots, bool choice_only) {
  check_shots(shots);
  for (int i = 0; i <= shots; ++i) {
    vqa_chunk(b, static_cast<int>(below(b.rng, choice_only ? 3 : 4)));
  }
}

void build_relation(DocumentBuilder& b, int shots) {
  check_shots(shots);
  for (int i = 0; i <= shots; ++i) relation_chunk(b, coin(b.rng));
}

void build_video(DocumentBuilder& b, int shots) {
  check_shots(shots);
  for (int i = 0; i <= shots; ++i) video_chunk(b);
}

void build_binding(DocumentBuilder& b, int ways, int shots) {
  check_shots(shots);
  if (ways < 2 || ways > 5) {
    throw ArgumentError("ways must be in 2..5, not " + std::to_string(ways));
  }
  Rng& rng = b.rng;
  const std::vector<std::string>& pool = word_list(b.binding_words);
  std::vector<std::string> words;
  if (b.binding_words == Words::kText) {
    words = GeneratorAccess::next_text_words(b.generator, ways);
  } else {
    for (int i : pick(rng, static_cast<int>(pool.size()), ways)) words.push_back(pool[i]);
  }
  const std::vector<int> shapes = pick(rng, kShapeCount, ways);
  std::vector<int> order;
  for (int w = 0; w < ways; ++w) order.insert(order.end(), shots, w);
  shuffle(rng, order);
  // Text-only episodes sometimes key each example by its shape name alone: the easy end
  // of the curriculum, where nothing but the shape is there to bind the word to.
  const bool bare = b.textual && coin(rng);
  const auto see = [&](int w) {
    const Scene scene = single_shape_scene(rng, static_cast<Shape>(shapes[w]));
    bare ? b.see_key(shape_name(scene.objects[0].shape)) : b.see(scene);
  };
  for (int w : order) {
    see(w);
    b.say("This is a " + words[w] + ".");
    b.end_chunk();
  }
  const int query = static_cast<int>(below(rng, ways));
  see(query);
  question(b, "what is this?");
  std::vector<std::string> wrong, others;
  for (int w = 0; w < ways; ++w) {
    if (w != query) wrong.push_back(words[w]);
  }
  shuffle(rng, wrong);
  while (wrong.size() < 3) {
    const std::string& w = pool[below(rng, pool.size())];
    if (std::find(words.begin(), words.end(), w) == words.end() &&
        std::find(wrong.begin(), wrong.end(), w) == wrong.end()) {
      wrong.push_back(w);
    }
  }
  wrong.resize(3);
  // With no shots nothing names the object: the query is asked but not predictable.
  b.answer(words[query], shots > 0, wrong);
}

void build_induction(DocumentBuilder& b, int shots) {
  check_shots(shots);
  Rng& rng = b.rng;
  const int type = static_cast<int>(below(rng, 3));  // colour, shape or count
  for (int i = 0; i <= shots; ++i) {
    const Scene scene = uniform_scene(rng);
    const Object& o = scene.objects[0];
    const int n = static_cast<int>(scene.objects.size());
    const std::array<std::string, 3> values{colour_name(o.colour), shape_name(o.shape),
                                            count_word(n)};
    const std::array<int, 3> rights{o.colour, static_cast<int>(o.shape), n - 1};
    const std::array<int, 3> counts{kColourCount, kShapeCount, kMaxObjects};
    const std::array<std::string (*)(int), 3> names{colour_of, shape_of, count_of};
    // The wrong choices are the image's other two answers and one more of the right kind.
    std::vector<std::string> wrong{values[(type + 1) % 3], values[(type + 2) % 3]};
    wrong.push_back(wrong_values(rng, rights[type], {}, counts[type], names[type])[0]);
    b.see(scene);
    question(b, "what is this?");
    // The first example shows which kind of answer is wanted; only later ones follow.
    b.answer(values[type], i > 0, wrong);
  }
}

}  // namespace flamingo::world::internal
