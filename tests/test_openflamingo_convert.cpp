// `convert_openflamingo` on tiny inputs that PyTorch wrote in the released
// formats (tests/openflamingo/make_checkpoints.py). The expected tensor names,
// shapes and value sums come from the Python side, which applies the contract's
// renaming itself; the converter's output is read back with the safetensors reader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iostream>
#include <sstream>

#include "core/error.h"
#include "core/openflamingo_convert.h"
#include "core/safetensors.h"
#include "test_dirs.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kDir = FLAMINGO_OPENFLAMINGO_DIR;
const std::string kTokenizer = std::string(FLAMINGO_SHARED_DIR) + "/tokenizers/gpt-neox-20b/tokenizer.json";

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

flamingo::OpenFlamingoConvertOptions options(const std::string& family, const fs::path& out) {
  flamingo::OpenFlamingoConvertOptions o;
  o.checkpoint = kDir + "/" + family + "/checkpoint.pt";
  o.language_model = kDir + "/" + family + "/lm";
  o.clip = kDir + "/" + family + "/clip.pt";
  o.tokenizer = kTokenizer;
  o.out_dir = out.string();
  o.preset = family;
  return o;
}

std::string convert_error(const flamingo::OpenFlamingoConvertOptions& o) {
  std::ostringstream log;
  try {
    flamingo::convert_openflamingo(o, log);
  } catch (const flamingo::Error& e) {
    return e.what();
  }
  return "(no error)";
}

double sum_of(const flamingo::SafetensorsFile& file, const flamingo::TensorInfo& info) {
  const auto* bytes = static_cast<const uint8_t*>(file.data(info));
  double sum = 0;
  const size_t n = info.nbytes / flamingo::dtype_size(info.dtype);
  for (size_t i = 0; i < n; ++i) {
    float v = 0;
    if (info.dtype == flamingo::DType::BF16) {
      uint32_t bits = 0;
      std::memcpy(reinterpret_cast<char*>(&bits) + 2, bytes + 2 * i, 2);  // little-endian host
      std::memcpy(&v, &bits, 4);
    } else {
      std::memcpy(&v, bytes + 4 * i, 4);
    }
    sum += v;
  }
  return sum;
}

// Every tensor the Python side expects, and nothing else, with its shape and values.
void check_output(const std::string& family, const fs::path& out, flamingo::DType dtype) {
  const json expected = read_json(kDir + "/" + family + "/expected.json");
  flamingo::SafetensorsFile file((out / "model.safetensors").string());
  EXPECT_EQ(file.tensors().size(), expected["tensors"].size());
  const char* sum_key = dtype == flamingo::DType::BF16 ? "sum_bf16" : "sum_f32";
  for (const auto& [name, e] : expected["tensors"].items()) {
    SCOPED_TRACE(name);
    const flamingo::TensorInfo* info = file.find(name);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->dtype, dtype);
    EXPECT_EQ(info->shape, e["shape"].get<std::vector<int64_t>>());
    const double want = e[sum_key].get<double>();
    EXPECT_NEAR(sum_of(file, *info), want, 1e-6 * std::max(1.0, std::fabs(want)));
  }
  const json config = read_json(out / "config.json");
  EXPECT_EQ(config["cross_attention"]["every"], expected["every"]);
  EXPECT_EQ(config["language_model"]["vocab_size"], 50280);
  EXPECT_EQ(config["special_tokens"]["eos"], 0);
  EXPECT_EQ(config["special_tokens"]["end_of_chunk"], 50277);
  EXPECT_EQ(config["special_tokens"]["image"], 50278);
  EXPECT_EQ(config["special_tokens"]["pad"], 50279);
  EXPECT_EQ(config["tokenizer"]["type"], "bpe");
  EXPECT_EQ(config["prompt_templates"]["caption"], "<image>Output:");
  // The copied tokenizer: the same vocabulary, and no added token on the ids
  // that OpenFlamingo's three tokens own.
  const json tokenizer = read_json(out / "tokenizer.json");
  EXPECT_EQ(tokenizer["model"]["vocab"], read_json(kTokenizer)["model"]["vocab"]);
  for (const json& t : tokenizer["added_tokens"]) EXPECT_LT(t["id"].get<int>(), 50277) << t.dump();
  EXPECT_FALSE(fs::exists(out / "model.safetensors.tmp"));
}

}  // namespace

TEST(OpenFlamingoConvert, Mpt1bShardedPytorchBinAndTorchScriptClip) {
  const fs::path out = fresh_test_dir("openflamingo") / "model";
  std::ostringstream log;
  flamingo::convert_openflamingo(options("3b", out), log);
  check_output("3b", out, flamingo::DType::BF16);
  const json lm = read_json(out / "config.json")["language_model"];
  EXPECT_EQ(lm["type"], "mpt");
  EXPECT_EQ(lm["mpt_layout"], "mosaic_gpt");
  EXPECT_EQ(lm["qk_ln"], true);
  EXPECT_EQ(lm["tie_embeddings"], true);
}

TEST(OpenFlamingoConvert, NeoxFp16PytorchBinAndOpenClipStateDictAsFloat32) {
  const fs::path out = fresh_test_dir("openflamingo") / "model";
  auto o = options("4b", out);
  o.dtype = "float32";
  std::ostringstream log;
  flamingo::convert_openflamingo(o, log);
  check_output("4b", out, flamingo::DType::F32);
  const json lm = read_json(out / "config.json")["language_model"];
  EXPECT_EQ(lm["type"], "gpt_neox");
  EXPECT_EQ(lm["rotary_pct"], 0.25);
  EXPECT_EQ(lm["parallel_residual"], false);
  EXPECT_EQ(lm["tie_embeddings"], false);
}

TEST(OpenFlamingoConvert, Mpt7bShardedBf16Safetensors) {
  const fs::path out = fresh_test_dir("openflamingo") / "model";
  std::ostringstream log;
  flamingo::convert_openflamingo(options("9b", out), log);
  check_output("9b", out, flamingo::DType::BF16);
  EXPECT_EQ(read_json(out / "config.json")["language_model"]["mpt_layout"], "mpt");
}

TEST(OpenFlamingoConvert, WrongFamilyLanguageModelIsNamed) {
  const fs::path out = fresh_test_dir("openflamingo") / "model";
  auto o = options("3b", out);
  o.language_model = kDir + "/4b/lm";
  std::string message = convert_error(o);
  EXPECT_NE(message.find("describes a GPT-NeoX language model, but --preset 3b needs MPT"), std::string::npos) << message;
  o.preset.clear();
  message = convert_error(o);
  EXPECT_NE(message.find("the checkpoint is for a MPT language model, not GPT-NeoX"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(out / "model.safetensors"));
}

TEST(OpenFlamingoConvert, TruncatedCheckpointIsNamed) {
  const fs::path dir = fresh_test_dir("openflamingo");
  const std::string source = kDir + "/3b/checkpoint.pt";
  fs::copy_file(source, dir / "checkpoint.pt");
  fs::resize_file(dir / "checkpoint.pt", fs::file_size(source) * 2 / 3);
  auto o = options("3b", dir / "model");
  o.checkpoint = (dir / "checkpoint.pt").string();
  const std::string message = convert_error(o);
  EXPECT_NE(message.find(o.checkpoint + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(OpenFlamingoConvert, CorruptedStorageFailsItsCrcAndLeavesNoFile) {
  const fs::path dir = fresh_test_dir("openflamingo");
  std::string bytes;
  {
    std::ifstream in(kDir + "/3b/checkpoint.pt", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x01;  // inside the embedding's storage, the largest entry
  std::ofstream(dir / "checkpoint.pt", std::ios::binary) << bytes;
  auto o = options("3b", dir / "model");
  o.checkpoint = (dir / "checkpoint.pt").string();
  const std::string message = convert_error(o);
  EXPECT_NE(message.find("CRC-32 mismatch in entry 'checkpoint/data/"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir / "model" / "model.safetensors"));
  EXPECT_FALSE(fs::exists(dir / "model" / "model.safetensors.tmp"));
}

TEST(OpenFlamingoConvert, EveryMissingTensorIsListed) {
  // A config with 6 layers where the files have 4: both layers' weights and
  // the gated block of layer 5 are missing, and all of them are reported.
  const fs::path dir = fresh_test_dir("openflamingo");
  fs::copy(kDir + "/4b/lm", dir / "lm");
  json config = read_json(dir / "lm" / "config.json");
  config["num_hidden_layers"] = 6;
  std::ofstream(dir / "lm" / "config.json") << config.dump();
  auto o = options("4b", dir / "model");
  o.language_model = (dir / "lm").string();
  o.preset.clear();
  const std::string message = convert_error(o);
  EXPECT_NE(message.find("missing tensor 'gpt_neox.layers.4.attention.dense.weight'"), std::string::npos) << message;
  EXPECT_NE(message.find("missing tensor 'gpt_neox.layers.5.mlp.dense_4h_to_h.bias'"), std::string::npos) << message;
  EXPECT_NE(message.find("missing tensor 'lang_encoder.gpt_neox.layers.5.gated_cross_attn_layer.attn_gate'"),
            std::string::npos) << message;
  EXPECT_NE(message.find("35 problem(s)"), std::string::npos) << message;
}

TEST(OpenFlamingoConvert, UnknownPresetAndDtypeAreArgumentErrors) {
  auto o = options("3b", fresh_test_dir("openflamingo") / "model");
  o.preset = "13b";
  EXPECT_THROW(flamingo::convert_openflamingo(o, std::cerr), flamingo::ArgumentError);
  o.preset = "3b";
  o.dtype = "int8";
  EXPECT_THROW(flamingo::convert_openflamingo(o, std::cerr), flamingo::ArgumentError);
}
