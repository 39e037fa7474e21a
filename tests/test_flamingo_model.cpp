// The Flamingo architecture on an untrained model: gates, per-image masking,
// media caching and video, each checked against a full forward pass.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/media.h"
#include "core/model_impl.h"
#include "core/weights.h"

namespace fs = std::filesystem;
using namespace flamingo;

namespace {

constexpr int kImage = 512, kEndOfChunk = 513;

// A tiny Flamingo over stories260K's tokenizer: 3 decoder layers, a 2-layer ViT
// on 16x16 images, a perceiver with 4 latents and frame embeddings.
std::string write_config(const std::string& dir, int every) {
  fs::create_directories(dir);
  fs::copy_file(FLAMINGO_SHARED_DIR "/models/stories260K/tok512.model", dir + "/tokenizer.model",
                fs::copy_options::overwrite_existing);
  std::ofstream(dir + "/config.json") << R"({
    "language_model": {"dim": 32, "n_layers": 3, "n_heads": 4, "n_kv_heads": 2,
                       "hidden_dim": 48, "vocab_size": 514, "max_seq_len": 128},
    "tokenizer": {"added_tokens": [{"text": "<image>", "id": 512},
                                   {"text": "<|endofchunk|>", "id": 513}]},
    "special_tokens": {"bos": 1, "eos": 2, "image": 512, "end_of_chunk": 513},
    "vision_encoder": {"image_size": 16, "patch_size": 8, "width": 24, "layers": 2, "heads": 2,
                       "activation": "gelu"},
    "perceiver": {"depth": 2, "heads": 2, "dim_head": 8, "num_latents": 4, "max_frames": 8},
    "cross_attention": {"every": )" + std::to_string(every) + R"(, "heads": 2, "dim_head": 8},
    "preprocessing": {"image_size": 16}
  })";
  return dir;
}

std::string model_dir(const std::string& name, float gate, int every = 1) {
  const std::string dir = write_config(std::string(FLAMINGO_TEST_TMP) + "/" + name, every);
  Model::write_random_weights(dir, 1234, gate);
  return dir;
}

MediaTensor random_media(int frames, int seed) {
  MediaTensor m;
  m.frames = frames;
  m.height = m.width = 16;
  m.data.resize(size_t(frames) * 3 * 16 * 16);
  at::manual_seed(seed);
  auto t = at::randn({frames, 3, 16, 16}, at::TensorOptions().dtype(at::kFloat)).mul_(1.0 + seed);
  std::copy(t.data_ptr<float>(), t.data_ptr<float>() + t.numel(), m.data.begin());
  return m;
}

at::Tensor frames(MediaTensor& m) {
  return at::from_blob(m.data.data(), {m.frames, 3, m.height, m.width}, at::kFloat).clone();
}

// All-position logits of one full forward over `ids` with the given media.
at::Tensor full_logits(const Model& model, const std::vector<int>& ids, std::vector<MediaTensor> media) {
  c10::InferenceMode guard;
  const auto& f = *model.impl().model;
  auto state = f.new_state();
  for (auto& m : media) f.add_media(frames(m), state);
  auto t = at::tensor(std::vector<int64_t>(ids.begin(), ids.end()), at::kLong);
  return f.forward(t, state, true);  // [T, V]
}

const std::vector<int> kIds = {1, 300, 301, kImage, 302, 303, 304, kEndOfChunk, kImage, 305, 306};

TEST(FlamingoModel, ZeroGatesGiveTheBareLanguageModel) {
  at::manual_seed(0);
  const auto dir = model_dir("gates_open", 0.7f);
  LoadOptions zero;
  zero.zero_gates = true;
  LoadOptions bare;
  bare.language_model_only = true;
  auto with_media = full_logits(*Model::load(dir, zero), kIds, {random_media(1, 1), random_media(1, 2)});
  auto bare_lm = full_logits(*Model::load(dir, bare), kIds, {random_media(1, 3), random_media(1, 4)});
  EXPECT_LE((with_media - bare_lm).abs().max().item<double>(), 1e-5);
  // And the gates really were open: without forcing them, the media matter.
  auto open = full_logits(*Model::load(dir), kIds, {random_media(1, 1), random_media(1, 2)});
  EXPECT_GT((open - bare_lm).abs().max().item<double>(), 1e-3);
}

TEST(FlamingoModel, ATokenSeesOnlyTheLatestMediaAtOrBeforeIt) {
  at::manual_seed(0);
  auto model = Model::load(model_dir("masking", 0.7f));
  auto a = random_media(1, 1), b = random_media(1, 2), c = random_media(1, 3);
  auto base = full_logits(*model, kIds, {a, b});
  auto second_changed = full_logits(*model, kIds, {a, c});
  auto first_changed = full_logits(*model, kIds, {c, b});
  const int second_image = 8;
  auto diff = [](const at::Tensor& x, const at::Tensor& y, int64_t from, int64_t to) {
    return (x.narrow(0, from, to - from) - y.narrow(0, from, to - from)).abs().max().item<double>();
  };
  // Changing media 2 leaves every token before its <image> unchanged, and changes its own.
  EXPECT_EQ(diff(base, second_changed, 0, second_image), 0.0);
  EXPECT_GT(diff(base, second_changed, second_image, second_image + 1), 1e-4);
  // Tokens before the first <image> depend on no media at all.
  EXPECT_EQ(diff(base, first_changed, 0, 3), 0.0);
  EXPECT_GT(diff(base, first_changed, 3, 4), 1e-4);
}

// Untrained models start with LayerNorms at 1 and every matrix random: the name
// rules must not take resampler layer 1's attention (perceiver.layers.1.0.*) for
// the feed-forward norm of a layer (perceiver.layers.{k}.1.0.weight).
TEST(FlamingoModel, RandomInitTellsNormsFromMatrices) {
  auto w = WeightStore::random(3, 0.0f);
  auto get = [&](const std::string& name, std::vector<int64_t> shape) {
    return w.get(name, shape, at::kFloat, at::kCPU);
  };
  EXPECT_TRUE(get("perceiver.layers.0.1.0.weight", {8}).eq(1).all().item<bool>());
  EXPECT_TRUE(get("model.layers.2.gated_cross_attn_layer.ff.0.weight", {8}).eq(1).all().item<bool>());
  for (const char* matrix : {"perceiver.layers.1.0.to_q.weight", "perceiver.layers.1.0.to_kv.weight",
                             "perceiver.layers.1.1.1.weight", "model.layers.1.gated_cross_attn_layer.ff.1.weight"}) {
    auto m = get(matrix, {16, 8});
    EXPECT_LT(m.abs().mean().item<double>(), 0.1) << matrix;
    EXPECT_GT(m.std().item<double>(), 0.01) << matrix;
  }
}

TEST(FlamingoModel, CrossAttentionOutputDependsOnlyOnTheTokensOwnMedia) {
  c10::InferenceMode guard;
  at::manual_seed(0);
  auto weights = WeightStore::random(7, 0.9f);
  LoadContext ctx{weights, at::kFloat, at::kCPU};
  CrossAttentionConfig cfg;
  cfg.heads = 2, cfg.dim_head = 8;
  GatedCrossAttentionBlock block(cfg, 32, 24, ctx, "x.", false);
  std::vector<MediaKeysValues> media;
  for (int i = 0; i < 3; ++i) media.push_back(block.keys_values(at::randn({4, 24})));
  const std::vector<int> owner = {-1, 0, 0, 1, 2, 2};
  auto x = at::randn({6, 32});
  auto before = block.forward(x, owner, media);
  media[1] = block.keys_values(at::randn({4, 24}));
  auto after = block.forward(x, owner, media);
  auto changed = (before - after).abs().amax(1);  // [6]
  for (int t = 0; t < 6; ++t) {
    if (owner[t] == 1) {
      EXPECT_GT(changed[t].item<double>(), 1e-5) << t;
    } else {
      EXPECT_EQ(changed[t].item<double>(), 0.0) << t;
    }
  }
}

// bfloat16 inference takes float32 products on the CPU (nn_layers.cpp): the
// vision encoder, resampler and gated blocks must still follow the float32 model.
TEST(FlamingoModel, Bfloat16FollowsFloat32) {
  const std::string dir = model_dir("bf16", 0.9f);
  LoadOptions bf16;
  bf16.dtype = "bfloat16";
  auto reference = full_logits(*Model::load(dir), kIds, {random_media(1, 1), random_media(2, 2)});
  auto half = full_logits(*Model::load(dir, bf16), kIds, {random_media(1, 1), random_media(2, 2)});
  const double scale = reference.abs().max().item<double>();
  const double diff = (reference - half).abs().max().item<double>();
  EXPECT_LT(diff, 0.05 * scale) << "max |logit| " << scale;
  // The visual tokens themselves (ViT + resampler in bfloat16) follow float32.
  c10::InferenceMode guard;
  auto media = random_media(2, 3);
  auto v32 = Model::load(dir)->impl().model->encode_media(frames(media));             // [n, d]
  auto v16 = Model::load(dir, bf16)->impl().model->encode_media(frames(media)).to(at::kFloat);
  const double rel = ((v32 - v16).norm() / v32.norm()).item<double>();
  EXPECT_LT(rel, 0.02);
  EXPECT_GT(v32.norm().item<double>(), 1.0);
}

TEST(FlamingoModel, IncrementalTurnsMatchAFullForward) {
  at::manual_seed(0);
  auto model = Model::load(model_dir("caching", 0.7f, 2));
  auto a = random_media(1, 1), b = random_media(3, 2);
  Session s(model);
  s.append_text_with_media("<image>Output: a cat.<|endofchunk|>", {a});
  GenerateOptions greedy;
  greedy.sampling.temperature = 0;
  greedy.max_new_tokens = 4;
  s.generate(greedy);
  s.append_text_with_media("<image>Output:", {b});
  s.generate(greedy);
  s.append_tokens({300});
  auto incremental = s.next_logits();
  EXPECT_EQ(s.media_count(), 2);
  auto full = full_logits(*model, s.history(), {a, b});  // the same tokens in one pass
  auto last = full[full.size(0) - 1];
  double worst = 0;
  for (int64_t i = 0; i < last.size(0); ++i)
    worst = std::max(worst, std::abs(double(incremental[i]) - last[i].item<double>()));
  EXPECT_LE(worst, 1e-4);
}

TEST(FlamingoModel, VideoFramesAreOrderedAndResampledToAFixedSize) {
  c10::InferenceMode guard;
  at::manual_seed(0);
  auto model = Model::load(model_dir("video", 0.7f));
  const auto& f = *model->impl().model;
  auto clip = at::randn({8, 3, 16, 16});
  auto reversed = clip.flip(0);
  auto out = f.encode_media(clip);
  EXPECT_GT((out - f.encode_media(reversed)).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(f.encode_media(clip.narrow(0, 0, 1)).sizes(), out.sizes());
  EXPECT_EQ(out.size(0), 4);  // num_latents
  EXPECT_THROW(f.encode_media(at::randn({9, 3, 16, 16})), ArgumentError);
}

// The paper's resampler reads a frame's patches as a set: shuffling them leaves
// its output as it was. With patch embeddings it knows where each patch was.
TEST(FlamingoModel, PatchEmbeddingsTellTheResamplerWhereEachPatchIs) {
  c10::InferenceMode guard;
  at::manual_seed(3);
  const auto places = at::randn({9, 24});  // [v, d], as large as the features: a trained scale
  auto encode = [&](int patch_positions, const at::Tensor& frames) {
    auto weights = WeightStore::random(7, 0.0f, {{"perceiver.patch_embs", places}});
    LoadContext ctx{weights, at::kFloat, at::kCPU};
    PerceiverConfig c{2, 2, 8, 4, 0, 4};
    c.patch_positions = patch_positions;
    return PerceiverResampler(c, 24, ctx).forward(frames);  // [4 latents, 24]
  };
  auto frames = at::randn({1, 9, 24});                        // [F, v, d]
  auto shuffled = frames.index_select(1, at::randperm(9));
  auto change = [](const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); };
  EXPECT_LT(change(encode(0, frames), encode(0, shuffled)), 1e-5);
  EXPECT_GT(change(encode(9, frames), encode(9, shuffled)), 1e-2);
  EXPECT_THROW(encode(9, at::randn({1, 8, 24})), ArgumentError);
}

// With pass_patches the gated layers read the latents and then every frame's patches,
// each frame's carrying its time embedding: a frame's patches differ from another's.
TEST(FlamingoModel, PassPatchesAppendsEveryFramesPatchesToTheLatents) {
  c10::InferenceMode guard;
  auto make = [](bool pass_patches) {
    auto weights = WeightStore::random(7, 0.0f, {});  // the same weights each time
    LoadContext ctx{weights, at::kFloat, at::kCPU};
    PerceiverConfig c{2, 2, 8, 4, 3, 4};  // 4 latents, 3 frames
    c.pass_patches = pass_patches;
    return PerceiverResampler(c, 24, ctx);
  };
  const auto plain = make(false), passing = make(true);
  auto frames = at::randn({2, 9, 24});                    // [F, v, d]
  auto out = passing.forward(frames);                     // [4 + 2*9, 24]
  ASSERT_EQ(out.sizes(), (at::IntArrayRef{4 + 18, 24}));
  // The same latents as without the patches: they are passed on, not read twice.
  EXPECT_LT((out.narrow(0, 0, 4) - plain.forward(frames)).abs().max().item<double>(), 1e-5);
  // Two equal frames still give different patch rows: each has its frame's time embedding.
  auto twice = passing.forward(frames.narrow(0, 0, 1).repeat({2, 1, 1}));
  EXPECT_GT((twice.narrow(0, 4, 9) - twice.narrow(0, 13, 9)).abs().max().item<double>(), 1e-3);
}

TEST(FlamingoModel, MarkerAndMediaCountsMustAgree) {
  auto model = Model::load(model_dir("mismatch", 0.0f));
  Session s(model);
  try {
    s.append_text_with_media("<image> and <image>", {random_media(1, 1)});
    FAIL() << "accepted two markers with one image";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("2 <image> marker(s) but 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s.context_used(), 0);
}

TEST(FlamingoModel, ScoringRanksOptionsAndLeavesTheConversationAsItWas) {
  auto model = Model::load(model_dir("score", 0.5f));
  Session s(model);
  s.append_text_with_media("<image>Question: what is it? Short answer:", {random_media(1, 1)});
  auto scores = s.score_options({" a cat", " a dog", " the big red ball"});
  ASSERT_EQ(scores.size(), 3u);
  for (size_t i = 1; i < scores.size(); ++i) EXPECT_GE(scores[i - 1].total, scores[i].total);
  for (const auto& sc : scores) {
    double sum = 0;
    for (double p : sc.per_token) {
      sum += p;
      EXPECT_LE(p, 0.0);
    }
    EXPECT_NEAR(sum, sc.total, 1e-9);
  }
  // Scoring again gives the same numbers: the options left no trace in the cache.
  Session t(model);
  t.append_text_with_media("<image>Question: what is it? Short answer:", {random_media(1, 1)});
  auto again = t.score_options({" a dog"});
  for (const auto& sc : scores) {
    if (sc.option == " a dog") {
      EXPECT_NEAR(sc.total, again[0].total, 1e-4);
    }
  }
}

}  // namespace
