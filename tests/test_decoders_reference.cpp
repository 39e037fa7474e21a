// The MPT and GPT-NeoX decoders against tests/reference/decoders_reference.py, an
// independent float64 PyTorch implementation (run by a CTest fixture into
// FLAMINGO_DECODER_REFERENCE), plus config errors and a Flamingo on MPT.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/language_decoder.h"
#include "core/model_impl.h"
#include "core/mpt_decoder.h"
#include "core/weights.h"
#include "test_dirs.h"

namespace fs = std::filesystem;
using namespace flamingo;

namespace {

struct Reference {
  std::vector<int64_t> tokens;
  at::Tensor logits;  // [T, V] float32
};

Reference read_reference(const std::string& dir) {
  std::ifstream in(dir + "/expected.json");
  if (!in) throw std::runtime_error(dir + "/expected.json is missing: run the reference fixture");
  auto j = nlohmann::json::parse(in);
  Reference r;
  r.tokens = j["tokens"].get<std::vector<int64_t>>();
  std::vector<float> flat;
  for (const auto& row : j["logits"])
    for (double v : row) flat.push_back(static_cast<float>(v));
  const int64_t T = r.tokens.size();
  r.logits = at::tensor(flat).view({T, -1});
  return r;
}

double max_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>();
}

class DecoderReference : public ::testing::TestWithParam<std::string> {};

TEST_P(DecoderReference, FullAndIncrementalMatchThePythonReference) {
  c10::InferenceMode guard;
  const std::string dir = std::string(FLAMINGO_DECODER_REFERENCE) + "/" + GetParam();
  const auto ref = read_reference(dir);
  const auto config = ModelConfig::load(dir);
  auto weights = WeightStore::open(dir);
  auto decoder = make_language_decoder(config.language_model, weights, at::kFloat, at::kCPU);
  weights.check_all_used();
  const auto tokens = at::tensor(ref.tokens, at::kLong);
  const int64_t T = tokens.size(0);

  auto cache = decoder->new_cache();
  auto full = decoder->forward(tokens, cache, true);                // [T, V]
  EXPECT_EQ(cache.length, T);
  EXPECT_LE(max_diff(full, ref.logits), 1e-4) << GetParam() << ": full forward";

  // One token at a time (the decode step).
  auto step_cache = decoder->new_cache();
  std::vector<at::Tensor> rows;
  for (int64_t t = 0; t < T; ++t) rows.push_back(decoder->forward(tokens.narrow(0, t, 1), step_cache, false));
  EXPECT_LE(max_diff(at::cat(rows, 0), ref.logits), 1e-4) << GetParam() << ": token by token";

  // Chunks of several tokens appended to a cache.
  auto chunk_cache = decoder->new_cache();
  auto first = decoder->forward(tokens.narrow(0, 0, 5), chunk_cache, true);
  auto rest = decoder->forward(tokens.narrow(0, 5, T - 5), chunk_cache, true);
  EXPECT_LE(max_diff(at::cat({first, rest}, 0), ref.logits), 1e-4) << GetParam() << ": two chunks";
}

TEST_P(DecoderReference, Bfloat16StaysCloseAndAgreesWithItself) {
  c10::InferenceMode guard;
  const std::string dir = std::string(FLAMINGO_DECODER_REFERENCE) + "/" + GetParam();
  const auto ref = read_reference(dir);
  const auto config = ModelConfig::load(dir);
  auto weights = WeightStore::open(dir);
  auto decoder = make_language_decoder(config.language_model, weights, at::kBFloat16, at::kCPU);
  const auto tokens = at::tensor(ref.tokens, at::kLong);
  auto cache = decoder->new_cache();
  auto full = decoder->forward(tokens, cache, true);
  EXPECT_EQ(full.scalar_type(), at::kFloat);
  const double scale = ref.logits.abs().max().item<double>();
  EXPECT_LE(max_diff(full, ref.logits), 0.1 * scale) << GetParam();
  auto step_cache = decoder->new_cache();
  std::vector<at::Tensor> rows;
  for (int64_t t = 0; t < tokens.size(0); ++t)
    rows.push_back(decoder->forward(tokens.narrow(0, t, 1), step_cache, false));
  EXPECT_LE(max_diff(at::cat(rows, 0), full), 0.05 * scale) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Families, DecoderReference,
                         ::testing::Values("mpt_mosaic_qkln", "mpt_mosaic_h6", "mpt_mpt_h6",
                                           "neox_rot25_parallel", "neox_rot100_sequential"));

TEST(MptAlibi, SlopesOfSixHeads) {
  // Written out by hand from the two formulas (see MptDecoder::alibi_slopes).
  auto plain = MptDecoder::alibi_slopes(6, 8, false);
  auto rule = MptDecoder::alibi_slopes(6, 8, true);
  for (int h = 0; h < 6; ++h) EXPECT_FLOAT_EQ(plain[h].item<float>(), std::pow(2.0, -(h + 1) * 8.0 / 6));
  // n' = 8: slopes 2^-1 .. 2^-8; odd-numbered (2^-2, 2^-4, 2^-6, 2^-8) then 2^-1, 2^-3.
  const double expected[] = {0.25, 1.0 / 16, 1.0 / 64, 1.0 / 256, 0.5, 0.125};
  for (int h = 0; h < 6; ++h) EXPECT_FLOAT_EQ(rule[h].item<float>(), expected[h]);
}

std::string lm_json(const std::string& extra) {
  return R"({"language_model": {"dim": 32, "n_layers": 1, "n_heads": 4, "hidden_dim": 64,
             "vocab_size": 10, "max_seq_len": 8, )" + extra + "}}";
}

void expect_config_error(const std::string& extra, const std::string& needle) {
  try {
    ModelConfig::parse(lm_json(extra), "cfg.json");
    FAIL() << "accepted: " << extra;
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cfg.json"), std::string::npos) << e.what();
  }
}

TEST(DecoderConfig, NewFieldsRoundTripAndBadValuesNameTheKey) {
  auto c = ModelConfig::parse(lm_json(R"("type": "mpt", "mpt_layout": "mpt", "qk_ln": true)"), "a");
  EXPECT_EQ(c.language_model.mpt_layout, "mpt");
  EXPECT_TRUE(c.language_model.qk_ln);
  auto again = ModelConfig::parse(c.to_json(), "b");
  EXPECT_EQ(again.language_model.mpt_layout, "mpt");
  EXPECT_TRUE(again.language_model.qk_ln);
  auto n = ModelConfig::parse(lm_json(R"("type": "gpt_neox", "rotary_pct": 0.25, "parallel_residual": false)"), "c");
  auto n2 = ModelConfig::parse(n.to_json(), "d");
  EXPECT_DOUBLE_EQ(n2.language_model.rotary_pct, 0.25);
  EXPECT_FALSE(n2.language_model.parallel_residual);
  EXPECT_EQ(n2.language_model.rotary_dims(), 2);

  expect_config_error(R"("type": "mpt", "mpt_layout": "gpt2")", "language_model.mpt_layout");
  expect_config_error(R"("type": "gpt_neox", "rotary_pct": 0)", "language_model.rotary_pct");
  expect_config_error(R"("type": "gpt_neox", "rotary_pct": 1.5)", "language_model.rotary_pct");
  expect_config_error(R"("type": "gpt_neox", "rotary_pct": 0.1)", "language_model.rotary_pct");
  expect_config_error(R"("type": "mpt", "n_kv_heads": 2)", "n_kv_heads");
  expect_config_error(R"("type": "bloom")", "language_model.type");
}

// A tiny random Flamingo whose language model is MPT: images go in, tokens come out,
// and decoding token by token after the images agrees with one full pass.
TEST(FlamingoOnMpt, TakesAnImageAndGenerates) {
  const auto dir = fresh_test_dir("decoders").string();
  fs::copy_file(FLAMINGO_SHARED_DIR "/models/stories260K/tok512.model", dir + "/tokenizer.model");
  std::ofstream(dir + "/config.json") << R"({
    "language_model": {"type": "mpt", "mpt_layout": "mosaic_gpt", "qk_ln": true, "dim": 32,
                       "n_layers": 2, "n_heads": 4, "hidden_dim": 128, "vocab_size": 514,
                       "max_seq_len": 128},
    "tokenizer": {"added_tokens": [{"text": "<image>", "id": 512}, {"text": "<|endofchunk|>", "id": 513}]},
    "special_tokens": {"bos": 1, "eos": 2, "image": 512, "end_of_chunk": 513},
    "vision_encoder": {"image_size": 16, "patch_size": 8, "width": 24, "layers": 1, "heads": 2},
    "perceiver": {"depth": 1, "heads": 2, "dim_head": 8, "num_latents": 4},
    "cross_attention": {"every": 1, "heads": 2, "dim_head": 8},
    "preprocessing": {"image_size": 16}
  })";
  Model::write_random_weights(dir, 7, 0.8f);
  auto model = Model::load(dir);

  c10::InferenceMode guard;
  const auto& f = *model->impl().model;
  at::manual_seed(3);
  auto image = at::randn({1, 3, 16, 16});
  const std::vector<int64_t> ids = {1, 512, 300, 301, 302, 513, 303};
  auto tokens = at::tensor(ids, at::kLong);
  auto state = f.new_state();
  f.add_media(image, state);
  auto full = f.forward(tokens, state, true);                        // [T, V]
  auto step_state = f.new_state();
  f.add_media(image, step_state);
  std::vector<at::Tensor> rows;
  for (size_t t = 0; t < ids.size(); ++t) rows.push_back(f.forward(tokens.narrow(0, t, 1), step_state, false));
  EXPECT_LE(max_diff(at::cat(rows, 0), full), 1e-4);

  // The image matters: without it (gates closed), the logits after <image> differ.
  auto blind = f.new_state();
  f.add_media(at::zeros({1, 3, 16, 16}), blind);
  EXPECT_GT(max_diff(f.forward(tokens, blind, true).narrow(0, 2, 5), full.narrow(0, 2, 5)), 1e-3);

  Session session(model);
  MediaTensor m;
  m.frames = 1, m.height = m.width = 16;
  m.data.assign(image.data_ptr<float>(), image.data_ptr<float>() + image.numel());
  session.append_text_with_media("<image>Output:", {m});
  GenerateOptions g;
  g.sampling.temperature = 0;
  g.max_new_tokens = 5;
  auto result = session.generate(g);
  EXPECT_GT(result.stats.prompt_tokens, 0);
  EXPECT_GE(result.stats.new_tokens, 1);
}

}  // namespace
