// Tests of the visual world: determinism, what the pictures show, what the documents
// say about them (checked against each medium's ground-truth scenes), the nonsense-word
// split, clips, evaluation episodes and the welcome screen's samples.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/visual_world.h"
#include "core/visual_world_recall.h"

namespace flamingo::world {
namespace {

namespace fs = std::filesystem;

const bool kOneThread = [] {
  cv::setNumThreads(1);
  return true;
}();

double distance(const uint8_t* p, Rgb c) {
  return std::sqrt(std::pow(p[0] - c.r, 2) + std::pow(p[1] - c.g, 2) + std::pow(p[2] - c.b, 2));
}

double distance(Rgb a, Rgb b) {
  const uint8_t p[3] = {a.r, a.g, a.b};
  return distance(p, b);
}

// Pixels nearer than `within` to colour c (or further than it, with far = true).
std::vector<bool> mask(const RgbImage& image, Rgb c, double within, bool far = false) {
  std::vector<bool> m(size_t(image.width) * image.height);
  for (size_t i = 0; i < m.size(); ++i) m[i] = (distance(&image.rgb[3 * i], c) < within) != far;
  return m;
}

size_t area(const std::vector<bool>& m) { return size_t(std::count(m.begin(), m.end(), true)); }

// Centroid of a mask of a size x size image.
std::pair<double, double> centroid(const std::vector<bool>& m, int size) {
  double x = 0, y = 0, n = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i]) x += double(i % size), y += double(i / size), n += 1;
  }
  return {x / n, y / n};
}

// The syllables of the inventory that spell `word` from `at` on, searching every way to
// split it; empty when none does.
std::vector<std::string> split_syllables(const std::string& word, const std::vector<std::string>& syl, size_t at = 0) {
  for (const std::string& s : syl) {
    if (word.compare(at, s.size(), s) != 0) continue;
    if (at + s.size() == word.size()) return {s};
    std::vector<std::string> rest = split_syllables(word, syl, at + s.size());
    if (rest.empty()) continue;
    rest.insert(rest.begin(), s);
    return rest;
  }
  return {};
}

// The words of a line that ends in a full stop.
std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream said(line.substr(0, line.size() - 1));
  for (std::string w; said >> w;) out.push_back(w);
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::vector<std::string> chunks(const std::string& text) {
  std::vector<std::string> out;
  size_t begin = 0;
  for (size_t at = text.find(kEndOfChunk); at != std::string::npos;
       at = text.find(kEndOfChunk, begin)) {
    out.push_back(text.substr(begin, at - begin));
    begin = at + std::string(kEndOfChunk).size();
  }
  EXPECT_EQ(begin, text.size()) << "text after the last chunk: " << text;
  return out;
}

std::string between(const std::string& s, const std::string& a, const std::string& b) {
  const size_t i = s.find(a);
  if (i == std::string::npos) return "";
  const size_t j = s.find(b, i + a.size());
  return s.substr(i + a.size(), j == std::string::npos ? std::string::npos : j - i - a.size());
}

std::string short_answer(const std::string& chunk) {
  return between(chunk, "Short answer: ", "\x01");
}

std::set<std::string> letter_words(const std::string& text) {
  std::set<std::string> out;
  std::string w;
  for (char c : text + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w += c;
    } else if (!w.empty()) {
      out.insert(w), w.clear();
    }
  }
  return out;
}

const Object* with_shape(const Scene& s, const std::string& name) {
  for (const Object& o : s.objects) {
    if (shape_name(o.shape) == name) return &o;
  }
  return nullptr;
}

const Object* with_colour(const Scene& s, const std::string& name) {
  for (const Object& o : s.objects) {
    if (colour_name(o.colour) == name) return &o;
  }
  return nullptr;
}

bool same_pixels(const std::vector<Media>& a, const std::vector<Media>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].frames.size() != b[i].frames.size()) return false;
    for (size_t f = 0; f < a[i].frames.size(); ++f) {
      if (a[i].frames[f].rgb != b[i].frames[f].rgb) return false;
    }
  }
  return true;
}

// Every kind of document, several of each, from one generator.
std::vector<Document> sample_documents(Generator& g) {
  std::vector<Document> docs;
  for (int shots = 0; shots <= 3; ++shots) {
    docs.push_back(g.caption(shots));
    docs.push_back(g.vqa(shots));
    docs.push_back(g.video(shots));
    docs.push_back(g.induction(shots));
    docs.push_back(g.binding(2 + shots, shots));
    docs.push_back(g.text_only());
    docs.push_back(g.random_document());
  }
  return docs;
}

TEST(VisualWorld, ColoursAreNamedAndFarApart) {
  std::set<std::string> names;
  for (int c = 0; c < kColourCount; ++c) {
    names.insert(colour_name(c));
    for (int d = 0; d < c; ++d) {
      EXPECT_GE(distance(colour_rgb(c), colour_rgb(d)), 75) << c << " " << d;
    }
    for (int b = 0; b < kBackgroundCount; ++b) {
      EXPECT_GE(distance(colour_rgb(c), background_rgb(b)), 75) << colour_name(c) << " on " << b;
    }
  }
  EXPECT_EQ(names.size(), size_t(kColourCount));
  std::set<std::string> shapes;
  for (int s = 0; s < kShapeCount; ++s) shapes.insert(shape_name(static_cast<Shape>(s)));
  EXPECT_EQ(shapes.size(), size_t(kShapeCount));
  EXPECT_THROW(colour_name(kColourCount), ArgumentError);
  EXPECT_THROW(background_rgb(-1), ArgumentError);
}

TEST(VisualWorld, RedCircleInTheMiddle) {
  const Scene scene{1, {{Shape::kCircle, 0, true, 0.5f, 0.5f, 1.0f}}};
  const RgbImage image = render(scene, 32);
  ASSERT_EQ(image.width, 32);
  ASSERT_EQ(image.rgb.size(), 32u * 32 * 3);
  EXPECT_LT(distance(&image.rgb[3 * (16 * 32 + 16)], colour_rgb(0)), 10);
  const Rgb bg = background_rgb(1);
  for (int corner : {0, 31, 31 * 32, 32 * 32 - 1}) {
    EXPECT_EQ(distance(&image.rgb[3 * corner], bg), 0) << corner;
  }
  // Noise moves every channel by at most its amplitude, and differently for each seed.
  const RgbImage noisy = render(scene, 32, 6, 1);
  for (size_t i = 0; i < image.rgb.size(); ++i) ASSERT_LE(std::abs(noisy.rgb[i] - image.rgb[i]), 6);
  EXPECT_NE(noisy.rgb, render(scene, 32, 6, 2).rgb);
  EXPECT_NE(noisy.rgb, image.rgb);
}

TEST(VisualWorld, EveryShapeHasItsOwnMask) {
  std::vector<std::vector<bool>> masks;
  for (int s = 0; s < kShapeCount; ++s) {
    const Scene scene{0, {{static_cast<Shape>(s), 6, true, 0.5f, 0.5f, 1.0f}}};
    masks.push_back(mask(render(scene, 32), background_rgb(0), 60, true));
    EXPECT_GT(area(masks.back()), 40u) << shape_name(static_cast<Shape>(s));
  }
  for (int a = 0; a < kShapeCount; ++a) {
    for (int b = 0; b < a; ++b) {
      size_t both = 0, either = 0;
      for (size_t i = 0; i < masks[a].size(); ++i) {
        both += masks[a][i] && masks[b][i], either += masks[a][i] || masks[b][i];
      }
      EXPECT_LT(double(both) / double(either), 0.9)
          << shape_name(static_cast<Shape>(a)) << " and " << shape_name(static_cast<Shape>(b));
    }
  }
}

TEST(VisualWorld, ShapesOfASceneNeverOverlap) {
  Generator g(7);
  for (int i = 0; i < 150; ++i) {
    const Scene scene = g.random_scene(1, 4);
    std::set<int> colours, shapes;
    std::vector<bool> covered(128 * 128, false);
    for (const Object& o : scene.objects) {
      colours.insert(o.colour), shapes.insert(static_cast<int>(o.shape));
      const float r = object_radius(o);
      EXPECT_TRUE(o.x - r >= 0 && o.x + r <= 1 && o.y - r >= 0 && o.y + r <= 1);
      // Drawn alone at 128 x 128, no pixel of it is touched by another shape.
      const std::vector<bool> m =
          mask(render({scene.background, {o}}, 128), background_rgb(scene.background), 1, true);
      for (size_t p = 0; p < m.size(); ++p) {
        ASSERT_FALSE(m[p] && covered[p]) << "scene " << i << " pixel " << p;
        covered[p] = covered[p] || m[p];
      }
    }
    EXPECT_EQ(colours.size(), scene.objects.size());
    EXPECT_EQ(shapes.size(), scene.objects.size());
  }
}

TEST(VisualWorld, SameSeedSameDocumentsOtherSeedOthers) {
  Generator a(42), b(42), c(43), eval(42, 32, Split::kEval);
  const std::vector<Document> da = sample_documents(a), db = sample_documents(b),
                              dc = sample_documents(c), de = sample_documents(eval);
  ASSERT_EQ(da.size(), db.size());
  size_t same_as_c = 0, same_as_eval = 0;
  for (size_t i = 0; i < da.size(); ++i) {
    EXPECT_EQ(da[i].text, db[i].text);
    EXPECT_EQ(da[i].answer_spans, db[i].answer_spans);
    EXPECT_TRUE(same_pixels(da[i].media, db[i].media)) << i;
    same_as_c += da[i].text == dc[i].text;
    same_as_eval += da[i].text == de[i].text;
  }
  EXPECT_LT(same_as_c, 3u);
  EXPECT_LT(same_as_eval, 3u);
  // The same scene drawn twice by two generators differs only by its noise.
  EXPECT_NE(Generator(1).draw(Scene{}).rgb, Generator(2).draw(Scene{}).rgb);
}

// The generator's output is part of the data set's definition: this pins it, on any
// standard library. A deliberate change to the world updates these strings.
TEST(VisualWorld, GoldenText) {
  Generator g(1);
  EXPECT_EQ(g.caption(1).text,
            "<image>Output: a large green circle.<|endofchunk|><image>Output: a small black "
            "circle left of a small red square.<|endofchunk|>");
  EXPECT_EQ(eval_episode("binding", 2, 1, 1).prompt,
            "<image>This is a kufeg.<|endofchunk|><image>This is a yikuf.<|endofchunk|>"
            "<image>Question: what is this? Short answer:");
}

TEST(VisualWorld, CaptionSaysWhatTheSceneShows) {
  Scene scene{
      0, {{Shape::kCircle, 0, false, 0.25f, 0.5f, 1}, {Shape::kStar, 2, true, 0.75f, 0.55f, 1}}};
  EXPECT_EQ(caption_text(scene), "a small red circle left of a large blue star.");
  // One caption per scene, whatever order the shapes were drawn in: reading order.
  std::swap(scene.objects[0], scene.objects[1]);
  EXPECT_EQ(caption_text(scene), "a small red circle left of a large blue star.");
  scene.objects[0].x = 0.3f, scene.objects[0].y = 0.95f;
  EXPECT_EQ(caption_text(scene), "a small red circle above a large blue star.");
  std::swap(scene.objects[0], scene.objects[1]);
  EXPECT_EQ(caption_text(scene), "a small red circle above a large blue star.");
  scene.objects.pop_back();
  EXPECT_EQ(caption_text(scene), "a small red circle.");
  Generator g(3);
  for (int i = 0; i < 200; ++i) {
    const Document doc = g.caption();
    ASSERT_EQ(doc.media.size(), 1u);
    const Scene& s = doc.media[0].scenes[0];
    EXPECT_EQ(doc.text, std::string(kImageMarker) + "Output: " + caption_text(s) + kEndOfChunk);
    // The named colours are there in the picture.
    for (const Object& o : s.objects) {
      EXPECT_GE(area(mask(doc.media[0].frames[0], colour_rgb(o.colour), 30)), 4u) << doc.text;
    }
  }
}

// "yes" or "no" for "is the X left of the Y?" (or right of, above, below) over scene s;
// "" when q asks no such relation or names a shape s lacks.
std::string relation_holds(const Scene& s, const std::string& q) {
  for (const std::string rel : {"left of", "right of", "above", "below"}) {
    if (q.find(" " + rel + " ") == std::string::npos) continue;
    const Object* x = with_shape(s, between(q, "is the ", " " + rel));
    const Object* y = with_shape(s, between(q, rel + " the ", "?"));
    if (!x || !y) return "";
    const bool truth = rel == "left of"    ? x->x < y->x
                       : rel == "right of" ? x->x > y->x
                       : rel == "above"    ? x->y < y->y
                                           : x->y > y->y;
    return truth ? "yes" : "no";
  }
  return "";
}

TEST(VisualWorld, QuestionsAreAnsweredFromTheScene) {
  Generator g(5);
  std::map<std::string, int> kinds;
  for (int i = 0; i < 300; ++i) {
    const Document doc = g.vqa(1);
    const std::vector<std::string> cs = chunks(doc.text);
    ASSERT_EQ(cs.size(), doc.media.size());
    for (size_t k = 0; k < cs.size(); ++k) {
      const Scene& s = doc.media[k].scenes[0];
      const std::string q = between(cs[k], "Question: ", " Short answer:"), a = short_answer(cs[k]);
      if (q == "how many shapes are there?") {
        static const std::vector<std::string> words{"", "one", "two", "three", "four"};
        EXPECT_EQ(a, words[s.objects.size()]);
        kinds["count"]++;
      } else if (q.rfind("what colour is the ", 0) == 0) {
        const Object* o = with_shape(s, between(q, "what colour is the ", "?"));
        ASSERT_NE(o, nullptr) << q;
        EXPECT_EQ(a, colour_name(o->colour));
        kinds["colour"]++;
      } else if (q.rfind("what shape is ", 0) == 0) {
        const Object* o = with_colour(s, between(q, "what shape is ", "?"));
        ASSERT_NE(o, nullptr) << q;
        EXPECT_EQ(a, shape_name(o->shape));
        kinds["shape"]++;
      } else {
        EXPECT_EQ(a, relation_holds(s, q)) << q;
        kinds[a]++;
      }
    }
  }
  for (const char* k : {"count", "colour", "shape", "yes", "no"}) EXPECT_GT(kinds[k], 20) << k;
}

// Relation documents ask which side one shape lies on ("left or right of") or, as the
// vqa suite does, whether a relation holds; both are checked against the scene.
TEST(VisualWorld, RelationDocumentsSayWhereOneShapeLies) {
  Generator g(11);
  std::map<std::string, int> answers;
  for (int i = 0; i < 200; ++i) {
    const Document doc = g.relation(static_cast<int>(i % 3));
    EXPECT_EQ(doc.kind, "relation");
    const std::vector<std::string> cs = chunks(doc.text);
    ASSERT_EQ(cs.size(), doc.media.size());
    ASSERT_EQ(doc.answer_spans.size(), cs.size());
    for (size_t k = 0; k < cs.size(); ++k) {
      const Scene& s = doc.media[k].scenes[0];
      const std::string q = between(cs[k], "Question: is the ", " Short answer:"), a = short_answer(cs[k]);
      answers[a]++;
      int asked = 0;  // each chunk is one side question or one yes/no question
      for (const std::string pair : {"left or right of", "above or below"}) {
        if (q.find(" " + pair + " ") == std::string::npos) continue;
        ++asked;
        const Object* x = with_shape(s, q.substr(0, q.find(' ')));
        const Object* y = with_shape(s, between(q, pair + " the ", "?"));
        ASSERT_TRUE(x && y) << q;
        const bool across = pair == "left or right of";
        const float d = across ? x->x - y->x : x->y - y->y;
        EXPECT_GE(std::fabs(d), 0.15f) << q;
        EXPECT_EQ(a, across ? (d < 0 ? "left" : "right") : (d < 0 ? "above" : "below")) << q;
      }
      if (a == "yes" || a == "no") {
        ++asked;
        EXPECT_EQ(a, relation_holds(s, "is the " + q)) << q;
      }
      EXPECT_EQ(asked, 1) << q;
    }
  }
  for (const char* a : {"left", "right", "above", "below", "yes", "no"}) EXPECT_GT(answers[a], 20) << a;
  EXPECT_EQ(answers.size(), 6u);
}

TEST(VisualWorld, BindingQueryIsTheWordOfItsShape) {
  Generator g(11);
  const std::vector<std::string> train = nonsense_words(false);
  for (int ways = 2; ways <= 5; ++ways) {
    for (int shots = 0; shots <= 8; ++shots) {
      const Document doc = g.binding(ways, shots);
      const std::vector<std::string> cs = chunks(doc.text);
      ASSERT_EQ(cs.size(), size_t(ways * shots + 1));
      ASSERT_EQ(doc.media.size(), cs.size());
      std::map<Shape, std::string> names;
      std::set<std::string> words;
      for (size_t k = 0; k + 1 < cs.size(); ++k) {
        const std::string word = between(cs[k], "<image>This is a ", ".");
        ASSERT_EQ(doc.media[k].scenes[0].objects.size(), 1u);
        const Shape shape = doc.media[k].scenes[0].objects[0].shape;
        if (names.count(shape)) {
          EXPECT_EQ(names[shape], word);
        }
        names[shape] = word, words.insert(word);
        EXPECT_NE(std::find(train.begin(), train.end(), word), train.end()) << word;
      }
      EXPECT_EQ(names.size(), size_t(shots ? ways : 0));
      EXPECT_EQ(words.size(), names.size());
      const std::string answer = short_answer(cs.back());
      const Shape query = doc.media.back().scenes[0].objects[0].shape;
      if (shots == 0) {
        EXPECT_EQ(count(doc.text, "This is a"), 0u);
        EXPECT_TRUE(doc.answer_spans.empty());  // nothing names the object
      } else {
        EXPECT_EQ(answer, names.at(query));
        ASSERT_EQ(doc.answer_spans.size(), 1u);  // only the query's name is predictable
        EXPECT_EQ(doc.text.substr(doc.answer_spans[0].first,
                                  doc.answer_spans[0].second - doc.answer_spans[0].first),
                  " " + answer);
      }
    }
  }
}

TEST(VisualWorld, WordsSplitIntoTrainAndHeldOut) {
  const std::vector<std::string> train = nonsense_words(false), held = nonsense_words(true);
  const std::vector<std::string> syl = syllables();
  EXPECT_EQ(train.size(), 192u);
  EXPECT_EQ(held.size(), 64u);
  std::set<std::string> all(train.begin(), train.end());
  for (const std::string& w : held) EXPECT_TRUE(all.insert(w).second) << w << " is in both lists";
  EXPECT_EQ(all.size(), 256u);
  // Each word is two or three syllables of the inventory; the held-out ones use every
  // syllable the training ones use, and no other.
  std::map<bool, std::set<std::string>> used;
  for (const auto* list : {&train, &held}) {
    for (const std::string& w : *list) {
      const size_t n = split_syllables(w, syl).size();
      EXPECT_TRUE(n == 2 || n == 3) << w;
      for (const std::string& s : syl) {
        if (w.find(s) != std::string::npos) used[list == &held].insert(s);
      }
    }
  }
  EXPECT_EQ(used[false], used[true]);
  EXPECT_EQ(used[true].size(), syl.size());
}

TEST(VisualWorld, HeldOutWordsNeverInTrainingDocuments) {
  const std::vector<std::string> held = nonsense_words(true);
  const std::set<std::string> held_set(held.begin(), held.end());
  size_t docs = 0, bindings = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Generator g(seed);
    for (int i = 0; i < 100; ++i) {
      Document doc = i % 2 ? g.random_document() : g.binding(2 + i % 4, 1 + i % 3);
      if (doc.kind == "text") continue;  // text-only pre-training meets every word
      ++docs, bindings += doc.kind == "binding";
      for (const std::string& w : letter_words(doc.text)) ASSERT_EQ(held_set.count(w), 0u) << w;
    }
  }
  EXPECT_GT(docs, 1800u);
  EXPECT_GT(bindings, 1100u);
  Generator train(1);
  EXPECT_THROW(train.binding(2, 1, true), ArgumentError);
  EXPECT_THROW(train.episode("binding", 2, 1), ArgumentError);
}

// Draws documents until every nonsense word, held-out ones included, has come up (at most
// 2,000), and says how many it took; `check` looks at each document and returns its words.
int documents_until_every_word(const std::function<std::set<std::string>(int)>& check) {
  const std::vector<std::string> train = nonsense_words(false), held = nonsense_words(true);
  std::set<std::string> missing(train.begin(), train.end());
  missing.insert(held.begin(), held.end());
  int docs = 0;
  for (; docs < 2000 && !missing.empty(); ++docs) {
    for (const std::string& w : check(docs)) missing.erase(w);
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " words never met, e.g. " << *missing.begin();
  return docs;
}

TEST(VisualWorld, TextOnlyMeetsEveryWordWithoutImages) {
  Generator g(9);
  EXPECT_LT(documents_until_every_word([&](int) {
              const Document doc = g.text_only();
              EXPECT_EQ(doc.kind, "text");
              EXPECT_TRUE(doc.media.empty());
              EXPECT_EQ(count(doc.text, kImageMarker), 0u);
              return letter_words(doc.text);
            }),
            1000);
}

// Stage 1's binding episodes keep their markers but no picture, so held-out words may
// answer there: every word is met, and the query's answer is one of the names given.
TEST(VisualWorld, BindingWithoutPicturesMeetsEveryWordAndNoPicture) {
  Generator g(9);
  EXPECT_LT(documents_until_every_word([&](int i) {
              const int ways = 2 + i % 4;
              const Document doc = g.binding_without_pictures(ways, 1 + i % 3);
              EXPECT_EQ(doc.kind, "binding");
              EXPECT_TRUE(doc.media.empty());
              const std::vector<std::string> cs = chunks(doc.text);
              EXPECT_EQ(count(doc.text, kImageMarker), cs.size());
              std::set<std::string> names;
              for (size_t k = 0; k + 1 < cs.size(); ++k) names.insert(between(cs[k], "<image>This is a ", "."));
              EXPECT_EQ(names.size(), size_t(ways));
              EXPECT_EQ(names.count(short_answer(cs.back())), 1u) << doc.text;
              return names;
            }),
            1000);
}

// Each line's key names one shape; the word after it must be the word that shape was
// bound to, and a question is asked only of a shape already bound.
TEST(VisualWorld, RecallLinesCopyTheWordOfTheirKey) {
  Generator g(21);
  size_t questions = 0, lines = 0;
  for (int d = 0; d < 300; ++d) {
    const Document doc = recall_document(g);
    EXPECT_EQ(doc.kind, "text");
    EXPECT_TRUE(doc.media.empty());
    std::map<std::string, std::string> bound;  // shape -> word
    size_t span = 0;
    for (const std::string& line : chunks(doc.text)) {
      const std::string key = between(line, "[", "]");
      std::string shape;
      for (int s = 0; s < kShapeCount; ++s)
        if (key.find(shape_name(static_cast<Shape>(s))) != std::string::npos) shape = shape_name(static_cast<Shape>(s));
      ASSERT_FALSE(shape.empty()) << line;
      const std::string asked = short_answer(line);
      if (!asked.empty()) {
        ASSERT_TRUE(bound.count(shape)) << "asked before it was bound: " << doc.text;
        EXPECT_EQ(asked, bound[shape]);
        ASSERT_LT(span, doc.answer_spans.size());
        const auto [b, e] = doc.answer_spans[span++];
        EXPECT_EQ(doc.text.substr(b, e - b), " " + asked);
        ++questions;
      } else {
        const std::string word = between(line, "This is a ", ".");
        ASSERT_FALSE(word.empty()) << line;
        if (bound.count(shape)) {
          EXPECT_EQ(bound[shape], word);
        }
        bound[shape] = word;
      }
      ++lines;
    }
    EXPECT_EQ(span, doc.answer_spans.size());
    EXPECT_GE(bound.size(), 2u);
  }
  // Most lines after the first of each word look a word up.
  EXPECT_GT(questions, lines / 5);
}

// A repeat document says one line two or three times. With `distinct` the line is 2..4
// known words in which no syllable occurs twice (what makes a plain induction head
// enough to copy it); without, 3..10 words, which in this world nearly always share one.
TEST(VisualWorld, RepeatLinesAndTheirDistinctSyllables) {
  const std::vector<std::string> train = nonsense_words(false), held = nonsense_words(true);
  std::set<std::string> known(train.begin(), train.end());
  known.insert(held.begin(), held.end());
  const std::vector<std::string> syl = syllables();
  Generator g(33);
  for (bool distinct : {true, false}) {
    int shared = 0;
    for (int d = 0; d < 200; ++d) {
      const Document doc = repeat_document(g, distinct);
      const std::vector<std::string> lines = chunks(doc.text);
      ASSERT_GE(lines.size(), 2u) << doc.text;
      ASSERT_LE(lines.size(), 3u) << doc.text;
      for (const std::string& line : lines) EXPECT_EQ(line, lines[0]);
      ASSERT_EQ(lines[0].back(), '.') << lines[0];
      const std::vector<std::string> words = words_of(lines[0]);
      std::vector<std::string> pieces;
      for (const std::string& w : words) {
        EXPECT_TRUE(known.count(w)) << w << " in " << lines[0];
        for (const std::string& p : split_syllables(w, syl)) pieces.push_back(p);
      }
      std::set<std::string> unique(pieces.begin(), pieces.end());
      if (distinct) {
        EXPECT_GE(words.size(), 2u) << lines[0];
        EXPECT_LE(words.size(), 4u) << lines[0];
        EXPECT_EQ(unique.size(), pieces.size()) << "a syllable said twice in " << lines[0];
      } else {
        EXPECT_GE(words.size(), 3u) << lines[0];
        EXPECT_LE(words.size(), 10u) << lines[0];
        shared += unique.size() < pieces.size();
      }
    }
    if (!distinct) {
      EXPECT_GT(shared, 150) << "ordinary lines should mostly repeat a syllable";
    }
  }
}

// Shuffled repeat documents say the same words each time, mostly in another order.
TEST(VisualWorld, ShuffledRepeatLinesSayTheSameWordsInAnotherOrder) {
  Generator g(34);
  int reordered = 0;
  for (int d = 0; d < 200; ++d) {
    const std::vector<std::string> lines = chunks(repeat_document(g, false, true).text);
    ASSERT_GE(lines.size(), 2u);
    const std::vector<std::string> first = words_of(lines[0]);
    ASSERT_GE(first.size(), 3u) << lines[0];
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> later = words_of(lines[i]);
      reordered += later != first;
      std::vector<std::string> a = first;
      std::sort(a.begin(), a.end()), std::sort(later.begin(), later.end());
      EXPECT_EQ(a, later) << lines[0] << " / " << lines[i];
    }
  }
  EXPECT_GT(reordered, 150) << "most later lines should change the order";
}

// A named document names each word in a sentence first, then asks for every one of
// them once, each answer after its sentence, not all in the order they were named.
TEST(VisualWorld, NamedDocumentsAskEveryNamedWordOnceAfterItsSentence) {
  Generator g(35);
  int reordered = 0;
  for (int d = 0; d < 200; ++d) {
    const Document doc = named_document(g, d % 2 == 0);
    const std::vector<std::string> lines = chunks(doc.text);
    std::vector<std::string> named, asked;
    for (const auto& [begin, end] : doc.answer_spans) asked.push_back(doc.text.substr(begin + 1, end - begin - 1));
    for (const std::string& line : lines)
      if (line.rfind("This is a ", 0) == 0) named.push_back(line.substr(10, line.size() - 11));
    ASSERT_GE(named.size(), 2u) << doc.text;
    ASSERT_EQ(lines.size(), 2 * named.size()) << doc.text;
    for (size_t i = 0; i < named.size(); ++i) EXPECT_EQ(lines[i], "This is a " + named[i] + ".") << doc.text;
    for (size_t i = 0; i < named.size(); ++i)
      EXPECT_EQ(lines[named.size() + i], "Question: what is this? Short answer: " + asked[i]) << doc.text;
    reordered += asked != named;
    std::sort(named.begin(), named.end()), std::sort(asked.begin(), asked.end());
    EXPECT_EQ(named, asked) << doc.text;
  }
  EXPECT_GT(reordered, 100) << "most documents should ask in another order than they named";
}

// Every answer of a scene document can be read from its key: the colour asked of a
// shape is the colour written before that shape, the shape asked of a colour the one
// written after it, the count the number of objects, and a caption names its objects.
TEST(VisualWorld, SceneTextAnswersAreInTheirKey) {
  Generator g(33);
  size_t colours = 0, shapes = 0, counts = 0, captions = 0;
  for (int d = 0; d < 300; ++d) {
    const Document doc = g.scene_text();
    EXPECT_EQ(doc.kind, "text");
    EXPECT_TRUE(doc.media.empty());
    for (const std::string& line : chunks(doc.text)) {
      const std::string key = between(line, "[", "]");
      ASSERT_FALSE(key.empty()) << line;
      const std::string asked = short_answer(line);
      const std::string colour_of = between(line, "what colour is the ", "?");
      const std::string shape_of = between(line, "what shape is ", "?");
      if (!colour_of.empty()) {
        EXPECT_NE(key.find(" " + asked + " " + colour_of + " at "), std::string::npos) << line;
        ++colours;
      } else if (!shape_of.empty()) {
        EXPECT_NE(key.find(" " + shape_of + " " + asked + " at "), std::string::npos) << line;
        ++shapes;
      } else if (line.find("how many") != std::string::npos) {
        const std::vector<std::string> words{"one", "two", "three", "four"};
        const size_t objects = count(key, " at ");
        ASSERT_GE(objects, 1u);
        ASSERT_LE(objects, words.size());
        EXPECT_EQ(asked, words[objects - 1]);
        ++counts;
      } else if (line.find("Output:") != std::string::npos) {
        const std::string caption = between(line, "Output: ", ".");
        for (const std::string& w : letter_words(caption))
          if (w != "a" && w != "left" && w != "of" && w != "above") {
            EXPECT_NE(key.find(w), std::string::npos) << w << " is not in " << line;
          }
        ++captions;
      }
    }
  }
  EXPECT_GT(colours, 50u);
  EXPECT_GT(shapes, 50u);
  EXPECT_GT(counts, 50u);
  EXPECT_GT(captions, 50u);
}

// Stage 3's --flamingo-mix: a kind weighted 0 never comes, the default mix is the one
// every earlier model trained on, and a mix that cannot draw anything is refused.
TEST(VisualWorld, RandomDocumentsFollowTheirMix) {
  Generator only_questions(5), only_clips(5), defaults(9), explicit_defaults(9);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(only_questions.random_document({0, 1, 0, 0, 0, 0}).kind, "vqa");
    const Document clip = only_clips.random_document({0, 0, 0, 0, 3, 0});
    EXPECT_EQ(clip.kind, "video");
    ASSERT_FALSE(clip.media.empty());
    EXPECT_TRUE(clip.media.back().is_video());
    EXPECT_EQ(defaults.random_document().text, explicit_defaults.random_document({15, 25, 25, 10, 10, 15}).text);
  }
  EXPECT_EQ(only_questions.random_document({0, 0, 0, 0, 0, 0, 2}).kind, "relation");
  std::set<std::string> kinds;
  for (int i = 0; i < 200; ++i) kinds.insert(defaults.random_document().kind);
  EXPECT_EQ(kinds.size(), 6u);
  EXPECT_THROW(defaults.random_document({0, 0, 0, 0, 0, 0}), ArgumentError);
  EXPECT_THROW(defaults.random_document({1, -1, 0, 0, 0, 0}), ArgumentError);
}

// The key `flamingo eval --verbose` prints after each answer: every object with its
// place in tenths, and for a clip its first frame "then" its last.
TEST(VisualWorld, MediaKeyNamesEachObjectAndWhereItIs) {
  const Scene two{0, {{Shape::kCircle, 0, false, 0.25f, 0.45f, 1.0f}, {Shape::kStar, 1, true, 0.71f, 0.68f, 1.0f}}};
  Media image{{render(two, 32)}, {two}};
  const std::string first = colour_name(0) + " circle at 2,4", second = colour_name(1) + " star at 7,6";
  EXPECT_EQ(media_key(image), "small " + first + "; large " + second);
  Scene moved = two;
  moved.objects[0].x = 0.05f;
  Media clip{{render(two, 32), render(two, 32), render(moved, 32)}, {two, two, moved}};
  EXPECT_EQ(media_key(clip), media_key(image) + " then small " + colour_name(0) + " circle at 0,4; large " + second);
  EXPECT_THROW(media_key(Media{{render(two, 32)}, {}}), ArgumentError);
}

TEST(VisualWorld, ClipsShowTheirEvent) {
  Generator g(13);
  for (int e = 0; e < kEventCount; ++e) {
    const auto event = static_cast<Event>(e);
    for (int frames = 4; frames <= 8; frames += 2) {
      const Clip clip = g.random_clip(event, frames);
      ASSERT_EQ(clip.frames.size(), size_t(frames));
      const Object& first = clip.frames.front().objects[0];
      std::vector<std::pair<double, double>> centres;
      std::vector<size_t> areas;
      for (const Scene& f : clip.frames) {
        const RgbImage image = render(f, 32, 6, 1);
        const std::vector<bool> m = mask(image, colour_rgb(first.colour), 40);
        centres.push_back(centroid(m, 32)), areas.push_back(area(m));
      }
      for (int i = 1; i < frames; ++i) {
        const double dx = centres[i].first - centres[i - 1].first;
        const double dy = centres[i].second - centres[i - 1].second;
        switch (event) {
          case Event::kMoveLeft: EXPECT_LT(dx, -1.0) << i; break;
          case Event::kMoveRight: EXPECT_GT(dx, 1.0) << i; break;
          case Event::kMoveUp: EXPECT_LT(dy, -1.0) << i; break;
          case Event::kMoveDown: EXPECT_GT(dy, 1.0) << i; break;
          case Event::kGrow: EXPECT_GT(areas[i], areas[i - 1]) << i; break;
          case Event::kShrink: EXPECT_LT(areas[i], areas[i - 1]) << i; break;
          case Event::kChangeColour: break;
        }
      }
      if (event == Event::kChangeColour) {
        EXPECT_GT(areas.front(), 10u);
        EXPECT_LT(areas.back(), 3u);
      }
    }
  }
}

TEST(VisualWorld, VideoAnswersFollowTheFrames) {
  Generator g(17);
  for (int i = 0; i < 100; ++i) {
    const Document doc = g.video();
    ASSERT_EQ(doc.media.size(), 1u);
    const Media& m = doc.media[0];
    ASSERT_TRUE(m.is_video());
    EXPECT_GE(m.frames.size(), 4u);
    EXPECT_LE(m.frames.size(), 8u);
    const Object &a = m.scenes.front().objects[0], &b = m.scenes.back().objects[0];
    const std::string want = b.x < a.x           ? "left"
                             : b.x > a.x         ? "right"
                             : b.y < a.y         ? "up"
                             : b.y > a.y         ? "down"
                             : b.scale > a.scale ? "it grows"
                             : b.scale < a.scale ? "it shrinks"
                                                 : "it changes colour";
    const std::string answer = short_answer(chunks(doc.text).back());
    EXPECT_TRUE(answer == want || answer == "it moves " + want) << answer << " vs " << want;
    EXPECT_NE(doc.text.find(" the " + shape_name(a.shape)), std::string::npos) << doc.text;
  }
}

TEST(VisualWorld, MarkersMatchMediaAndSpansAreAnswers) {
  Generator g(19, 48);
  for (const Document& doc : sample_documents(g)) {
    EXPECT_EQ(count(doc.text, kImageMarker), doc.media.size()) << doc.text;
    for (const Media& m : doc.media) {
      ASSERT_EQ(m.frames.size(), m.scenes.size());
      for (const RgbImage& f : m.frames) EXPECT_TRUE(f.width == 48 && f.height == 48);
    }
    for (const auto& [begin, end] : doc.answer_spans) {
      ASSERT_LT(begin, end);
      EXPECT_EQ(doc.text[begin], ' ');
      EXPECT_EQ(doc.text.compare(end, std::string(kEndOfChunk).size(), kEndOfChunk), 0);
      const std::string before = doc.text.substr(0, begin);
      EXPECT_TRUE(before.size() >= 13 && (before.substr(before.size() - 13) == "Short answer:" ||
                                          before.substr(before.size() - 7) == "Output:"))
          << before;
    }
    // Only a query nothing before it explains (no shots of binding or induction) has none.
    if (doc.kind != "binding" && doc.kind != "induction") {
      EXPECT_FALSE(doc.answer_spans.empty()) << doc.text;
    }
  }
}

TEST(VisualWorld, EvaluationEpisodes) {
  const std::vector<std::string> held = nonsense_words(true), train = nonsense_words(false);
  for (const std::string suite :
       {"caption", "vqa", "choice", "binding", "binding-seen", "induction", "video", "relation"}) {
    for (int shots : {0, 1, 4, 8}) {
      for (uint64_t seed = 0; seed < 5; ++seed) {
        const Episode e = eval_episode(suite, 2 + int(seed % 4), shots, seed);
        EXPECT_EQ(e.suite, suite);
        EXPECT_EQ(count(e.prompt, kImageMarker), e.media.size());
        EXPECT_TRUE(e.prompt.size() > 7 &&
                    (e.prompt.substr(e.prompt.size() - 13) == "Short answer:" ||
                     e.prompt.substr(e.prompt.size() - 7) == "Output:"));
        ASSERT_GT(e.answer.size(), 1u);
        EXPECT_EQ(e.answer[0], ' ');
        EXPECT_EQ(std::count(e.choices.begin(), e.choices.end(), e.answer), 1);
        EXPECT_EQ(std::set<std::string>(e.choices.begin(), e.choices.end()).size(),
                  e.choices.size());
        const bool yes_no = e.answer == " yes" || e.answer == " no";
        // Relation questions have two answers: yes or no, or the two sides.
        EXPECT_EQ(e.choices.size(), yes_no || suite == "relation" ? 2u : 4u) << suite << ": " << e.prompt;
        if (suite == "choice") {
          EXPECT_FALSE(yes_no);
        }
        const std::vector<std::string>& words = suite == "binding" ? held : train;
        if (suite.rfind("binding", 0) == 0) {
          EXPECT_NE(std::find(words.begin(), words.end(), e.answer.substr(1)), words.end());
        }
        const Episode again = eval_episode(suite, 2 + int(seed % 4), shots, seed);
        EXPECT_EQ(again.prompt + again.answer, e.prompt + e.answer);
        EXPECT_TRUE(same_pixels(again.media, e.media));
      }
    }
  }
  EXPECT_THROW(eval_episode("riddles", 2, 1, 1), ArgumentError);
}

TEST(VisualWorld, BadArgumentsAreRefused) {
  Generator g(1);
  EXPECT_THROW(g.binding(1, 1), ArgumentError);
  EXPECT_THROW(g.binding(6, 1), ArgumentError);
  EXPECT_THROW(g.binding(2, 9), ArgumentError);
  EXPECT_THROW(g.caption(-1), ArgumentError);
  EXPECT_THROW(g.random_scene(0, 2), ArgumentError);
  EXPECT_THROW(g.random_scene(1, 5), ArgumentError);
  EXPECT_THROW(g.random_clip(Event::kGrow, 3), ArgumentError);
  EXPECT_THROW(Generator(1, 4), ArgumentError);
  EXPECT_THROW(Generator(uint64_t{1} << 63), ArgumentError);
  EXPECT_THROW(render(Scene{}, 32, -1), ArgumentError);
}

TEST(VisualWorld, WritesWelcomeSamples) {
  const fs::path dir = fs::path(FLAMINGO_TEST_TMP) / "visual_world" / "samples";
  fs::remove_all(dir);
  write_samples(dir.string());
  std::ifstream in(dir / "samples.json");
  const nlohmann::json json = nlohmann::json::parse(in);
  ASSERT_GE(json.at("cards").size(), 4u);
  std::set<std::string> kinds;
  for (const auto& card : json.at("cards")) {
    const std::string prompt = card.at("prompt");
    kinds.insert(card.at("kind").get<std::string>());
    EXPECT_FALSE(card.at("title").get<std::string>().empty());
    EXPECT_EQ(count(prompt, kImageMarker), card.at("media").size()) << prompt;
    for (const std::string name : card.at("media")) {
      const std::string path = (dir / name).string();
      if (name.size() > 4 && name.substr(name.size() - 4) == ".avi") {
        cv::VideoCapture video(path);
        ASSERT_TRUE(video.isOpened()) << path;
        cv::Mat frame;
        int frames = 0;
        while (video.read(frame)) {
          EXPECT_EQ(frame.size(), cv::Size(128, 128));
          ++frames;
        }
        EXPECT_GE(frames, 4);
      } else {
        const cv::Mat image = cv::imread(path);
        ASSERT_FALSE(image.empty()) << path;
        EXPECT_EQ(image.size(), cv::Size(128, 128));
      }
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"caption", "question", "binding"}));
  // Writing into something that is not a directory fails with the path named.
  EXPECT_THROW(write_samples((dir / "samples.json").string()), FileError);
}

}  // namespace
}  // namespace flamingo::world
