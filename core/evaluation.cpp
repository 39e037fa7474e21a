#include "core/evaluation.h"

#include <algorithm>
#include <iomanip>

#include "core/error.h"
#include "core/media.h"
#include "core/visual_world.h"

namespace flamingo {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \n\t"), e = s.find_last_not_of(" \n\t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The words a prompt's examples name ("This is a dax."), in order, each once.
std::vector<std::string> named_in(const std::string& prompt) {
  static const std::string kIntro = "This is a ";
  std::vector<std::string> names;
  for (size_t at = prompt.find(kIntro); at != std::string::npos; at = prompt.find(kIntro, at)) {
    at += kIntro.size();
    const std::string name = prompt.substr(at, prompt.find('.', at) - at);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

std::vector<MediaTensor> to_media(const world::Episode& ep, const Preprocessing& p) {
  std::vector<MediaTensor> out;
  for (const auto& m : ep.media) {
    MediaTensor t;
    for (const auto& frame : m.frames) {
      MediaTensor f = preprocess_image(frame, p);
      t.height = f.height, t.width = f.width;
      t.data.insert(t.data.end(), f.data.begin(), f.data.end());
      ++t.frames;
    }
    t.is_video = m.is_video();
    out.push_back(std::move(t));
  }
  return out;
}

std::string answer(Session& session, const Model& model, const world::Episode& ep) {
  const auto& c = model.config();
  session.append_text_with_media(ep.prompt, to_media(ep, c.preprocessing));
  if (ep.suite == "choice") return trim(session.score_options(ep.choices).front().option);
  GenerateOptions g;
  g.sampling.temperature = 0;
  // Room for the longest caption of the world (two shapes: up to ~33 tokens with
  // the bundled tokenizer), so that length never decides an answer.
  g.max_new_tokens = 64;
  g.stop_tokens = {c.special_tokens.end_of_chunk, c.special_tokens.eos};
  g.stop_strings = {"\n"};
  return trim(session.generate(g).text);
}

}  // namespace

EvalResult run_eval(const EvalOptions& o, std::ostream& out) {
  auto model = Model::load(o.model_dir, o.load);
  return run_eval(*model, o, out);
}

EvalResult run_eval(const Model& model, const EvalOptions& o, std::ostream& out) {
  if (o.episodes <= 0) throw ArgumentError("episodes must be positive");
  const int size = model.config().vision_encoder.image_size;
  std::shared_ptr<const Model> shared(&model, [](const Model*) {});
  EvalResult r;
  for (int e = 0; e < o.episodes; ++e) {
    const auto ep = world::eval_episode(o.suite, o.ways, o.shots, o.seed * 100003 + e, size);
    Session session(shared);
    const std::string got = answer(session, model, ep);
    const bool ok = got == trim(ep.answer);
    r.correct += ok, ++r.total;
    if (o.verbose) {  // the query's own chunk too, so that errors can be sorted by question
      const size_t at = ep.prompt.rfind(world::kImageMarker);
      const std::string query = at == std::string::npos ? ep.prompt : ep.prompt.substr(at);
      out << (ok ? "ok   " : "MISS ") << "expected \"" << trim(ep.answer) << "\" got \"" << got
          << "\" after \"" << query << "\"";
      // What the query's picture holds tells a wrong object from a wrong reading.
      if (!ep.media.empty() && !ep.media.back().scenes.empty())
        out << " in [" << world::media_key(ep.media.back()) << "]";
      // The names the examples gave: a binding miss shows whether it copied the other one.
      const std::vector<std::string> names = named_in(ep.prompt);
      if (!names.empty()) out << " named";
      for (const std::string& n : names) out << " \"" << n << "\"";
      out << "\n";
    }
  }
  out << "suite: " << o.suite << ", ways: " << o.ways << ", shots: " << o.shots
      << ", episodes: " << r.total << (o.load.zero_gates ? ", zero gates" : "") << "\n"
      << std::fixed << std::setprecision(4) << "accuracy: " << r.accuracy() << "\n";
  return r;
}

}  // namespace flamingo
