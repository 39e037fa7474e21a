#include <gtest/gtest.h>

#include "core/error.h"
#include "core/model_config.h"

using namespace flamingo;

namespace {

const char* kGood = R"({
  "language_model": {"dim": 64, "n_layers": 5, "n_heads": 8, "n_kv_heads": 4,
                     "hidden_dim": 172, "vocab_size": 514, "max_seq_len": 512,
                     "rope_layout": "half"},
  "tokenizer": {"added_tokens": [{"text": "<image>", "id": 512}]},
  "special_tokens": {"bos": 1, "eos": 2, "image": 512}
})";

std::string error_of(const std::string& json) {
  try {
    ModelConfig::parse(json, "cfg.json");
  } catch (const FileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ModelConfig, ParsesAndRoundTrips) {
  auto c = ModelConfig::parse(kGood, "cfg.json");
  EXPECT_EQ(c.language_model.n_kv_heads, 4);
  EXPECT_EQ(c.language_model.head_dim(), 8);
  EXPECT_EQ(c.language_model.rope_layout, RopeLayout::kHalf);
  EXPECT_EQ(c.special_tokens.image, 512);
  ASSERT_EQ(c.tokenizer.added_tokens.size(), 1u);
  auto again = ModelConfig::parse(c.to_json(), "again.json");
  EXPECT_EQ(again.to_json(), c.to_json());
}

TEST(ModelConfig, ErrorsNameTheFileAndTheKey) {
  EXPECT_NE(error_of("{not json").find("cfg.json: invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("top level"), std::string::npos);
  EXPECT_NE(error_of("{}").find("missing key \"language_model\""), std::string::npos);
  std::string s = kGood;
  EXPECT_NE(error_of(std::string(s).replace(s.find("\"dim\": 64"), 9, "\"dim\": \"x\""))
                .find("\"language_model.dim\" has the wrong type"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(s).replace(s.find("\"n_kv_heads\": 4"), 15, "\"n_kv_heads\": 3"))
                .find("multiple of n_kv_heads"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(s).replace(s.find("\"half\""), 6, "\"spiral\"")).find("rope_layout"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(s).replace(s.find("\"image\": 512"), 12, "\"image\": 900"))
                .find("outside the vocabulary"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(s).replace(s.find("\"n_layers\": 5"), 13, "\"n_layers\": 0"))
                .find("must be positive"),
            std::string::npos);
}

// The resampler's patch embeddings are one per patch, so their count must be
// the encoder's: 32 / 4 = 8, 8 x 8 = 64 patches here.
TEST(ModelConfig, PatchPositionsMustMatchTheEncodersPatches) {
  auto with = [](int positions) {
    std::string s = kGood;
    s.insert(s.rfind('}'), R"(, "vision_encoder": {"image_size": 32, "patch_size": 4, "width": 16,
        "layers": 1, "heads": 2}, "perceiver": {"patch_positions": )" + std::to_string(positions) + "}");
    return s;
  };
  auto c = ModelConfig::parse(with(64), "cfg.json");
  EXPECT_EQ(c.perceiver.patch_positions, 64);
  EXPECT_EQ(ModelConfig::parse(c.to_json(), "again.json").perceiver.patch_positions, 64);
  EXPECT_EQ(ModelConfig::parse(with(0), "cfg.json").to_json().find("patch_positions"), std::string::npos);
  const std::string wrong = error_of(with(63));
  EXPECT_NE(wrong.find("cfg.json"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("\"perceiver.patch_positions\" is 63 but the vision encoder gives 64"),
            std::string::npos) << wrong;
  EXPECT_NE(error_of(with(-1)).find("must be >= 0"), std::string::npos);
}

// pass_patches survives a round trip, stays out of configs that do not use it, and
// a value that is not a boolean is named.
TEST(ModelConfig, PassPatchesIsABooleanThatRoundTrips) {
  auto with = [](const std::string& value) {
    std::string s = kGood;
    s.insert(s.rfind('}'), R"(, "vision_encoder": {"image_size": 32, "patch_size": 4, "width": 16,
        "layers": 1, "heads": 2}, "perceiver": {"pass_patches": )" + value + "}");
    return s;
  };
  auto c = ModelConfig::parse(with("true"), "cfg.json");
  EXPECT_TRUE(c.perceiver.pass_patches);
  EXPECT_TRUE(ModelConfig::parse(c.to_json(), "again.json").perceiver.pass_patches);
  EXPECT_EQ(ModelConfig::parse(with("false"), "cfg.json").to_json().find("pass_patches"), std::string::npos);
  EXPECT_NE(error_of(with("3")).find("pass_patches"), std::string::npos) << error_of(with("3"));
}

}  // namespace
