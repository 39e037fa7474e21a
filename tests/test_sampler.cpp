#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "core/sampler.h"

using namespace flamingo;

TEST(Sampler, GreedyTakesTheLargestLogit) {
  Sampler s({0.0f, 40, 0.95f, 1.0f, 64, 1});
  std::vector<float> logits{0.1f, 3.0f, 2.9f};
  EXPECT_EQ(s.sample(logits, {}), 1);
}

TEST(Sampler, TopKOneIsGreedyWhateverTheTemperature) {
  Sampler s({5.0f, 1, 1.0f, 1.0f, 64, 3});
  for (int i = 0; i < 20; ++i) {
    std::vector<float> logits{0.0f, 0.5f, 0.4f};
    EXPECT_EQ(s.sample(logits, {}), 1);
  }
}

TEST(Sampler, TopPKeepsOnlyTheNucleus) {
  // Probabilities about 0.88, 0.12, 0.00...: top-p 0.8 keeps the first alone.
  Sampler s({1.0f, 0, 0.8f, 1.0f, 64, 5});
  for (int i = 0; i < 50; ++i) {
    std::vector<float> logits{4.0f, 2.0f, -5.0f, -5.0f};
    EXPECT_EQ(s.sample(logits, {}), 0);
  }
}

TEST(Sampler, FrequenciesFollowTheSoftmax) {
  Sampler s({1.0f, 0, 1.0f, 1.0f, 64, 11});
  std::map<int, int> counts;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    std::vector<float> logits{0.0f, std::log(3.0f)};  // 1:3
    counts[s.sample(logits, {})]++;
  }
  EXPECT_NEAR(counts[1] / double(n), 0.75, 0.02);
}

TEST(Sampler, RepetitionPenaltyDemotesRecentTokens) {
  Sampler s({0.0f, 0, 1.0f, 2.0f, 64, 1});
  std::vector<float> logits{2.0f, 1.5f, -1.0f};
  EXPECT_EQ(s.sample(logits, {0}), 1);  // 2.0 / 2 = 1.0 < 1.5
  EXPECT_FLOAT_EQ(logits[0], 1.0f);
  std::vector<float> negative{-1.0f, -1.5f};
  s.sample(negative, {0});
  EXPECT_FLOAT_EQ(negative[0], -2.0f);  // negative logits are multiplied
}

TEST(Sampler, SameSeedSameSequence) {
  auto draw = [](uint64_t seed) {
    Sampler s({1.0f, 0, 1.0f, 1.0f, 64, seed});
    std::vector<int> out;
    for (int i = 0; i < 30; ++i) {
      std::vector<float> logits{0.0f, 0.1f, 0.2f, 0.3f};
      out.push_back(s.sample(logits, {}));
    }
    return out;
  };
  EXPECT_EQ(draw(42), draw(42));
  EXPECT_NE(draw(42), draw(43));
}

TEST(Sampler, BadParametersAreRefused) {
  EXPECT_THROW(Sampler({-1.0f, 0, 1.0f, 1.0f, 64, 0}), ArgumentError);
  EXPECT_THROW(Sampler({1.0f, 0, 0.0f, 1.0f, 64, 0}), ArgumentError);
  EXPECT_THROW(Sampler({1.0f, 0, 1.0f, 0.0f, 64, 0}), ArgumentError);
}
