#pragma once
// The engine's public API: the only header of the model runtime that the
// application and the command-line tool include. Plain C++ types only: no
// LibTorch, no OpenCV, no Qt.
//
// Ownership and threads: a Model is immutable once loaded and may be shared by
// several Sessions (std::shared_ptr). A Session is used by one thread at a time;
// its methods block while the model runs, so a GUI calls them from a worker
// thread. The only thing another thread may touch during a call is the
// std::atomic<bool> cancel flag passed to it.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/generator.h"
#include "core/model_config.h"

namespace flamingo {

struct LoadOptions {
  std::string device = "cpu";    // "cpu" or "cuda"
  std::string dtype = "auto";    // "auto" (as stored), "float32" or "bfloat16"
  int threads = 0;               // 0: leave LibTorch's default
  bool zero_gates = false;           // force every cross-attention gate to 0
  bool language_model_only = false;  // skip the cross-attention blocks: the bare language model
};

struct MediaTensor;  // core/media.h

// The log-likelihood of one option as the continuation of a prompt.
struct OptionScore {
  std::string option;
  double total = 0;                 // sum of the tokens' log-probabilities
  std::vector<double> per_token;    // one per token of the option
  double mean() const { return per_token.empty() ? 0 : total / per_token.size(); }
};

class Model {
 public:
  // Loads a model directory (docs/model-format.md). Errors name the file at fault.
  static std::shared_ptr<Model> load(const std::string& dir, const LoadOptions& options = {});
  // Writes untrained weights (dir/model.safetensors) for the config.json and
  // tokenizer already in `dir`: cross-attention gates set to `gate`.
  static void write_random_weights(const std::string& dir, uint64_t seed, float gate,
                                   const std::string& dtype = "float32");
  ~Model();

  const ModelConfig& config() const;
  const Tokenizer& tokenizer() const;
  const std::string& directory() const;
  std::string device() const;
  std::string dtype() const;

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One conversation: the tokens seen so far and their key/value cache, so that a
// new turn feeds only its own tokens.
class Session {
 public:
  explicit Session(std::shared_ptr<const Model> model);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Queues text to be read before the next generation. Nothing runs yet. The
  // model's BOS token goes first when the conversation is empty and the config
  // asks for it.
  void append_text(const std::string& text);
  // Text with <image> markers and, in the same order, one image or video file for
  // each marker, read with the model's preprocessing. A count mismatch, a file
  // that is not media, or a text-only model is an error and queues nothing.
  void append_text(const std::string& text, const std::vector<std::string>& media_paths);
  // The same with media already decoded and preprocessed.
  void append_text_with_media(const std::string& text, std::vector<MediaTensor> media);
  // Queues token ids as they are (no BOS); each must be inside the vocabulary.
  void append_tokens(const std::vector<int>& tokens);
  // Generates a reply to everything queued, streaming its pieces to `on_piece`.
  GenerationResult generate(const GenerateOptions& options, const TokenCallback& on_piece = {},
                            const std::atomic<bool>* cancel = nullptr);
  // Logits after all tokens queued so far (feeds them): for tests and scoring.
  std::vector<float> next_logits();
  // Close-ended answers (Flamingo's multiple choice): feeds what is queued once,
  // then ranks each option by its log-likelihood as the continuation; the
  // conversation is left as it was before the options. Best first.
  std::vector<OptionScore> score_options(const std::vector<std::string>& options);
  int media_count() const;  // media items encoded so far

  const std::vector<int>& history() const;  // tokens fed to the model
  int context_used() const;                 // fed plus queued
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flamingo
