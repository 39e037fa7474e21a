// The LLaMA decoder against real pretrained weights: llama2.c's stories260K.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/engine.h"
#include "core/error.h"
#include "core/llama2c_import.h"
#include "core/safetensors.h"
#include "core/tokenizer.h"

namespace fs = std::filesystem;
using namespace flamingo;

namespace {

const std::string kShared = FLAMINGO_SHARED_DIR "/models/stories260K";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Converts stories260K once for the whole suite.
class Stories260K : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: CTest runs each test of the suite in its own process,
    // two at a time, and a shared directory was removed under a sibling's feet (its
    // set-up failed and gtest reported the tests as skipped).
    dir_ = std::string(FLAMINGO_TEST_TMP) + "/stories260K-" + std::to_string(::getpid());
    fs::remove_all(dir_);
    import_llama2c({kShared + "/stories260K.bin", kShared + "/tok512.model", dir_, ""});
    model_ = Model::load(dir_);
  }
  static void TearDownTestSuite() {
    model_.reset();
    fs::remove_all(dir_);
  }

  static GenerateOptions greedy(int n) {
    GenerateOptions o;
    o.sampling.temperature = 0;
    o.max_new_tokens = n;
    o.stop_tokens = {1};  // llama2.c's run.c stops on BOS
    return o;
  }

  static double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    EXPECT_EQ(a.size(), b.size());
    double m = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, double(std::fabs(a[i] - b[i])));
    return m;
  }

  static inline std::string dir_;
  static inline std::shared_ptr<Model> model_;
};

TEST_F(Stories260K, GreedyFromBosReproducesLlama2c) {
  Session session(model_);
  session.append_text("");
  ASSERT_EQ(session.context_used(), 1);  // BOS alone
  std::string streamed;
  auto result = session.generate(greedy(200), [&](const std::string& p) { streamed += p; });
  EXPECT_EQ(result.stats.new_tokens, 200);
  EXPECT_EQ(streamed, result.text);
  // run.c prints a newline after the last token.
  EXPECT_EQ(result.text + "\n", read_all(kShared + "/greedy_from_bos_200.txt"));
}

TEST_F(Stories260K, TokenByTokenAndChunkedMatchFullForward) {
  const auto ids = model_->tokenizer().encode("Once upon a time, a cat sat on a big red mat.", true);
  ASSERT_GT(ids.size(), 10u);
  // Reference: the last-position logits of a full forward over each prefix.
  auto full = [&](size_t n) {
    Session s(model_);
    s.append_tokens({ids.begin(), ids.begin() + n});
    return s.next_logits();
  };
  Session one_by_one(model_);
  for (size_t n = 1; n <= ids.size(); ++n) {
    one_by_one.append_tokens({ids[n - 1]});
    EXPECT_LE(max_abs_diff(one_by_one.next_logits(), full(n)), 1e-4) << "prefix " << n;
  }
  Session chunked(model_);
  const size_t cuts[] = {3, 4, 9, ids.size()};
  size_t begin = 0;
  for (size_t end : cuts) {
    chunked.append_tokens({ids.begin() + begin, ids.begin() + end});
    EXPECT_LE(max_abs_diff(chunked.next_logits(), full(end)), 1e-4) << "chunk ending at " << end;
    begin = end;
  }
}

TEST_F(Stories260K, NextTurnContinuesTheConversationWithoutRerunningIt) {
  Session a(model_);
  a.append_text("Lily had a ball.");
  auto first = a.generate(greedy(5));
  a.append_text(" Then");
  auto second = a.generate(greedy(5));
  // The same text in one go must give the same continuation.
  Session b(model_);
  std::vector<int> all = a.history();
  all.resize(all.size() - second.tokens.size() + 1);  // history up to the second prompt
  b.append_tokens(all);
  auto again = b.generate(greedy(5));
  EXPECT_EQ(again.tokens, second.tokens);
  EXPECT_EQ(second.stats.prompt_tokens, 1 + static_cast<int>(model_->tokenizer().encode(" Then", false).size()));
}

TEST_F(Stories260K, CancelReturnsWithinOneStep) {
  Session session(model_);
  session.append_text("");
  std::atomic<bool> cancel{false};
  int pieces = 0;
  auto result = session.generate(greedy(100), [&](const std::string&) {
    if (++pieces == 5) cancel = true;
  }, &cancel);
  EXPECT_EQ(result.stats.stop_reason, StopReason::kCancelled);
  EXPECT_LE(result.stats.new_tokens, 6);
  EXPECT_GE(result.stats.new_tokens, 5);
}

TEST_F(Stories260K, StopStringCutsTheTextBeforeIt) {
  Session session(model_);
  session.append_text("");
  auto options = greedy(100);
  options.stop_strings = {"Lily"};
  auto result = session.generate(options);
  EXPECT_EQ(result.stats.stop_reason, StopReason::kStopString);
  EXPECT_EQ(result.text, "Once upon a time, there was a little girl named ");
}

TEST_F(Stories260K, SeededSamplingIsReproducible) {
  auto sample = [&](uint64_t seed) {
    Session s(model_);
    s.append_text("The dog");
    GenerateOptions o;
    o.sampling.temperature = 1.0f;
    o.sampling.top_k = 0;
    o.sampling.top_p = 1.0f;
    o.sampling.seed = seed;
    o.max_new_tokens = 40;
    return s.generate(o).text;
  };
  EXPECT_EQ(sample(7), sample(7));
  EXPECT_NE(sample(7), sample(8));
}

TEST_F(Stories260K, MissingTensorIsNamed) {
  auto cfg = read_all(dir_ + "/config.json");
  const std::string broken = std::string(FLAMINGO_TEST_TMP) + "/broken_model";
  fs::remove_all(broken);
  fs::create_directories(broken);
  fs::copy_file(dir_ + "/tokenizer.model", broken + "/tokenizer.model");
  // 6 layers in the config, 5 in the weights.
  auto pos = cfg.find("\"n_layers\": 5");
  ASSERT_NE(pos, std::string::npos);
  cfg.replace(pos, 13, "\"n_layers\": 6");
  std::ofstream(broken + "/config.json") << cfg;
  fs::copy_file(dir_ + "/model.safetensors", broken + "/model.safetensors");
  try {
    Model::load(broken);
    FAIL() << "loaded a model whose config does not match its weights";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("model.layers.5."), std::string::npos) << e.what();
  }
}

// Hugging Face's checkpoints store q and k with the rows of each head permuted so
// that half rotation (i, i + E/2) equals Meta's interleaved rotation (2i, 2i+1)
// (the permutation of transformers' convert_llama_weights_to_hf.py). So the same
// model in both layouts must give the same logits.
TEST_F(Stories260K, HalfRotationLayoutMatchesInterleavedOnPermutedWeights) {
  const std::string half = std::string(FLAMINGO_TEST_TMP) + "/stories260K_half";
  fs::remove_all(half);
  fs::create_directories(half);
  fs::copy_file(dir_ + "/tokenizer.model", half + "/tokenizer.model");
  auto cfg = read_all(dir_ + "/config.json");
  const auto pos = cfg.find("\"interleaved\"");
  ASSERT_NE(pos, std::string::npos);
  std::ofstream(half + "/config.json") << cfg.replace(pos, 13, "\"half\"");

  SafetensorsFile in(dir_ + "/model.safetensors");
  const auto& lm = model_->config().language_model;
  const int E = lm.head_dim();
  std::vector<std::vector<float>> keep;
  std::vector<TensorToWrite> out;
  for (const auto& info : in.tensors()) {
    const float* src = static_cast<const float*>(in.data(info));
    keep.emplace_back(src, src + info.nbytes / sizeof(float));
    const bool qk = info.name.find("q_proj") != std::string::npos || info.name.find("k_proj") != std::string::npos;
    if (qk) {
      const int64_t rows = info.shape[0], cols = info.shape[1];
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t head = r / E, j = (r % E) % (E / 2), c = (r % E) / (E / 2);
        const int64_t from = head * E + 2 * j + c;  // interleaved row of pair j, component c
        std::copy(src + from * cols, src + (from + 1) * cols, keep.back().begin() + r * cols);
      }
    }
    out.push_back({info.name, DType::F32, info.shape, keep.back().data()});
  }
  write_safetensors(half + "/model.safetensors", out);

  const auto ids = model_->tokenizer().encode("Once upon a time, a cat sat on a mat.", true);
  auto logits = [&](const std::shared_ptr<Model>& m) {
    Session s(m);
    std::vector<float> all;
    for (int id : ids) {  // token by token: the one-token step and its cache
      s.append_tokens({id});
      auto l = s.next_logits();
      all.insert(all.end(), l.begin(), l.end());
    }
    Session whole(m);  // and the chunked operator path
    whole.append_tokens(ids);
    auto l = whole.next_logits();
    all.insert(all.end(), l.begin(), l.end());
    return all;
  };
  EXPECT_LE(max_abs_diff(logits(Model::load(half)), logits(model_)), 1e-4);
  // The layout matters: the permuted weights read as interleaved give other logits.
  std::ofstream(half + "/config.json") << cfg.replace(pos, 6, "\"interleaved\"");
  EXPECT_GT(max_abs_diff(logits(Model::load(half)), logits(model_)), 1e-2);
}

TEST(Llama2cImport, TruncatedCheckpointIsRefused) {
  const std::string tmp = std::string(FLAMINGO_TEST_TMP) + "/truncated";
  fs::create_directories(tmp);
  auto bytes = read_all(kShared + "/stories260K.bin");
  std::ofstream(tmp + "/cut.bin", std::ios::binary).write(bytes.data(), bytes.size() / 2);
  try {
    import_llama2c({tmp + "/cut.bin", kShared + "/tok512.model", tmp + "/out", ""});
    FAIL() << "imported a truncated checkpoint";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.bin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp + "/out/config.json"));
}

}  // namespace
