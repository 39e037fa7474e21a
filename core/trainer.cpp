#include "core/trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/model_config.h"
#include "core/tokenizer.h"
#include "core/train_stages.h"
#include "core/visual_world.h"

namespace flamingo {
namespace {

namespace fs = std::filesystem;

// The bundled model's shape: small enough to train on two CPU cores in hours
// and to ship in a few megabytes (docs/training.md explains the choices).
ModelConfig tiny_config(int sentencepiece_vocab, const TrainOptions& o) {
  ModelConfig c;
  c.name = "flamingo-tiny";
  c.dtype = "float32";
  auto& m = c.language_model;
  m.dim = 128, m.n_layers = 4, m.n_heads = 4, m.n_kv_heads = 4, m.hidden_dim = 384;
  m.vocab_size = sentencepiece_vocab + 2, m.max_seq_len = 1024;
  c.tokenizer.added_tokens = {{"<image>", sentencepiece_vocab}, {"<|endofchunk|>", sentencepiece_vocab + 1}};
  c.special_tokens = {1, 2, sentencepiece_vocab, sentencepiece_vocab + 1, -1};
  c.has_vision = true;
  auto& v = c.vision_encoder;
  v.image_size = 32, v.patch_size = 4, v.width = 128, v.layers = 4, v.heads = 4, v.mlp_dim = 512;
  v.activation = "gelu", v.use_ln_post = true;
  c.perceiver = {2, 4, 32, o.latents, 8, 4};  // depth, heads, dim_head, latents, max_frames, ff_mult
  if (o.patch_positions) c.perceiver.patch_positions = v.num_patches();
  c.perceiver.pass_patches = o.pass_patches;
  c.cross_attention = {1, 4, 32, 4};    // before every decoder layer
  c.preprocessing.image_size = 32;
  c.preprocessing.mean = {0.5f, 0.5f, 0.5f};
  c.preprocessing.std = {0.25f, 0.25f, 0.25f};
  c.preprocessing.resize = "bilinear";
  c.prompt_templates = {{"caption", "<image>Output:"},
                        {"vqa", "<image>Question: {question} Short answer:"},
                        {"demo", ""}};
  return c;
}

std::string strip_markers(std::string text) {
  for (const std::string marker : {world::kImageMarker, world::kEndOfChunk}) {
    for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at))
      text.replace(at, marker.size(), "\n");
  }
  return text;
}

// The syllables that become user-defined pieces: those found inside no ordinary
// word of the corpus. SentencePiece cuts a user-defined piece out of any word
// that contains it, so "g", "f" and "mo" made "large", "of" and "moves" three
// to four pieces each and answers twice as long (docs/training.md); the other
// syllables are still learnt as pieces, and nonsense words split at them.
std::vector<std::string> piece_syllables(const std::string& corpus) {
  const auto made_up = world::nonsense_words(false), held = world::nonsense_words(true);
  std::set<std::string> nonsense(made_up.begin(), made_up.end());
  nonsense.insert(held.begin(), held.end());
  std::set<std::string> words;
  std::ifstream in(corpus);
  std::string word;
  for (char c; in.get(c);) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      if (!nonsense.count(word)) words.insert(word);
      word.clear();
    }
  }
  std::vector<std::string> out;
  for (const auto& s : world::syllables()) {
    bool inside = false;
    for (const auto& w : words) inside = inside || w.find(s) != std::string::npos;
    if (!inside) out.push_back(s);
  }
  return out;
}

// SentencePiece learns the world's words; the nonsense-word syllables are
// pieces of their own, so a held-out word is a new sequence of trained pieces.
void train_tokenizer(const TrainOptions& o, const std::string& dir, std::ostream& log) {
  const std::string corpus = dir + "/corpus.txt";
  {
    std::ofstream out(corpus);
    world::Generator gen(o.seed * 7919 + 11);
    for (int i = 0; i < 20000; ++i) out << strip_markers(gen.random_document().text) << "\n";
    for (const auto& w : world::nonsense_words(true)) out << "This is a " << w << ".\n";
    if (!out) throw FileError(corpus, "could not be written (disk full?)");
  }
  std::string symbols;
  const auto pieces = o.whole_word_pieces ? piece_syllables(corpus) : world::syllables();
  for (const auto& s : pieces) symbols += (symbols.empty() ? "" : ",") + s;
  log << "[tokenizer] training on " << corpus << ", syllable pieces " << symbols << std::endl;
  train_sentencepiece({"--input=corpus.txt", "--model_prefix=tokenizer",
                       "--vocab_size=384", "--hard_vocab_limit=false", "--model_type=unigram",
                       "--character_coverage=1.0", "--user_defined_symbols=" + symbols,
                       "--minloglevel=2", "--num_threads=1", "--random_seed=1"},
                      dir);
}

bool done(const std::string& dir) { return fs::exists(dir + "/done"); }
void mark_done(const std::string& dir) { std::ofstream(dir + "/done") << "ok\n"; }

}  // namespace

std::string train_work_dir(const TrainOptions& o) {
  return o.work_dir.empty() ? o.out_dir + ".train" : o.work_dir;
}

void train(const TrainOptions& o, std::ostream& log) {
  if (o.out_dir.empty()) throw ArgumentError("train needs --out");
  for (const auto& [phase, mix] : {std::pair{"stage 1's", o.language_mix}, {"the tuning phase's", o.tune_mix}}) {
    if (mix.sum() > 1.0 + 1e-9) {
      throw ArgumentError(std::string(phase) + " recall, repeat, scene and binding shares add up to " +
                          std::to_string(mix.sum()) + "; they must not exceed 1");
    }
  }
  if (o.language_redraws > 0 && o.language_redraw_at > 0 && o.language_redraw_at % o.checkpoint_every != 0) {
    throw ArgumentError("--language-redraw-at " + std::to_string(o.language_redraw_at) +
                        " is not a checkpoint: make it a multiple of --checkpoint-every (" +
                        std::to_string(o.checkpoint_every) + ")");
  }
  if (o.flamingo_workers < 1) {
    throw ArgumentError("--flamingo-workers " + std::to_string(o.flamingo_workers) +
                        " must be 1 or more: the threads that share stage 3's batch");
  }
  const auto& m = o.flamingo_mix;
  if (std::min({m.caption, m.vqa, m.binding, m.induction, m.video}) < 0 ||
      m.caption + m.vqa + m.binding + m.induction + m.video <= 0) {
    throw ArgumentError("stage 3's mix of captions, questions, binding, induction and videos needs weights "
                        "of 0 or more, not all 0");
  }
  const std::string work = train_work_dir(o);
  fs::create_directories(work);
  at::set_num_threads(std::max(1, o.threads));
  auto want = [&](const std::string& stage) { return o.only_stage.empty() || o.only_stage == stage; };

  const std::string tok_dir = work + "/tokenizer";
  fs::create_directories(tok_dir);
  if (!done(tok_dir)) {  // every stage needs it
    train_tokenizer(o, tok_dir, log);
    mark_done(tok_dir);
  }
  auto tokenizer = Tokenizer::load_sentencepiece(tok_dir + "/tokenizer.model");
  ModelConfig config = tiny_config(tokenizer->vocab_size(), o);
  tokenizer = Tokenizer::load_sentencepiece(tok_dir + "/tokenizer.model", config.tokenizer.added_tokens);
  log << "[tokenizer] " << tokenizer->vocab_size() << " tokens" << std::endl;

  StageContext ctx{o, config, *tokenizer, work, log};
  // Stages 1 and 2 need only the tokenizer (stage 2 not even that), so they may run
  // side by side in two processes; stage 3 needs both.
  if (want("language") && !done(work + "/language")) train_language_model(ctx);
  if (want("vision") && !done(work + "/vision")) train_vision_encoder(ctx);
  if (want("flamingo") && done(work + "/language") && done(work + "/vision") && !done(work + "/flamingo"))
    train_flamingo(ctx);
  // "export" writes the model from the latest checkpoints, finished or not, to
  // look at a run while it goes on.
  if (done(work + "/flamingo") || o.only_stage == "export") {
    write_model(ctx, o.out_dir);
    fs::copy_file(tok_dir + "/tokenizer.model", o.out_dir + "/tokenizer.model",
                  fs::copy_options::overwrite_existing);
    std::ofstream(o.out_dir + "/config.json") << config.to_json();
    log << "wrote " << o.out_dir << std::endl;
  }
}

}  // namespace flamingo
