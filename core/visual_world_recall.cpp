#include "core/visual_world_recall.h"

#include "core/visual_world_internal.h"

namespace flamingo::world {

using namespace internal;

Document recall_document(Generator& generator) {
  DocumentBuilder b(generator, "text", true);
  Rng& rng = b.rng;
  const int ways = between(rng, 2, 5);
  const std::vector<std::string> words = GeneratorAccess::next_text_words(generator, ways);
  const std::vector<int> shapes = pick(rng, kShapeCount, ways);
  const bool bare = coin(rng);
  std::vector<bool> seen(ways, false);
  const int lines = ways + between(rng, 4, 20);
  for (int line = 0; line < lines; ++line) {
    // A word not yet introduced by half-way comes next, so the later lines mostly look up.
    int w = static_cast<int>(below(rng, ways));
    if (line >= lines / 2)
      for (int u = 0; u < ways; ++u)
        if (!seen[u]) w = u;
    const Scene scene = single_shape_scene(rng, static_cast<Shape>(shapes[w]));
    bare ? b.see_key(shape_name(scene.objects[0].shape)) : b.see(scene);
    if (seen[w] && coin(rng)) {
      question(b, "what is this?");
      b.answer(words[w], true, {});
    } else {
      b.say("This is a " + words[w] + ".");
      b.end_chunk();
    }
    seen[w] = true;
  }
  return b.document();
}

namespace {

std::vector<std::string> repeat_words(Generator& generator, Rng& rng, bool distinct) {
  return distinct ? distinct_syllable_words(rng) : GeneratorAccess::next_text_words(generator, between(rng, 3, 10));
}

}  // namespace

Document repeat_document(Generator& generator, bool distinct, bool shuffled) {
  DocumentBuilder b(generator, "text", true);
  std::vector<std::string> words = repeat_words(generator, b.rng, distinct);
  const int times = between(b.rng, 2, 3);
  for (int i = 0; i < times; ++i) {
    if (shuffled && i > 0) shuffle(b.rng, words);
    std::string line;
    for (const std::string& w : words) line += (line.empty() ? "" : " ") + w;
    b.say(line + ".");
    b.end_chunk();
  }
  return b.document();
}

Document named_document(Generator& generator, bool distinct) {
  DocumentBuilder b(generator, "text", true);
  std::vector<std::string> words = repeat_words(generator, b.rng, distinct);
  for (const std::string& w : words) {
    b.say("This is a " + w + ".");
    b.end_chunk();
  }
  shuffle(b.rng, words);
  for (const std::string& w : words) {
    question(b, "what is this?");
    b.answer(w, true, {});
  }
  return b.document();
}

}  // namespace flamingo::world
