// A few steps of the real recipe: the loss goes down, and a run stopped at a
// checkpoint and resumed ends in exactly the state of an uninterrupted one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/trainer.h"

namespace fs = std::filesystem;
using namespace flamingo;

namespace {

TrainOptions options(const std::string& name, int steps) {
  TrainOptions o;
  o.out_dir = std::string(FLAMINGO_TEST_TMP) + "/" + name;
  fs::remove_all(o.out_dir + ".train");
  o.only_stage = "language";
  o.language_steps = steps;
  o.sequence_tokens = 128;
  o.language_lr = 3e-3;
  o.log_every = 5;
  o.checkpoint_every = 1000;
  return o;
}

std::vector<double> losses(const std::string& log) {
  std::vector<double> out;
  static const std::regex line(R"(\[language\] step \d+/\d+  loss ([0-9.]+))");
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Training, LossDecreasesAndResumingGivesTheSameState) {
  std::ostringstream straight_log;
  auto straight = options("straight", 30);
  train(straight, straight_log);
  const auto l = losses(straight_log.str());
  ASSERT_EQ(l.size(), 6u) << straight_log.str();
  EXPECT_LT(l.back(), l.front() * 0.8) << straight_log.str();

  auto interrupted = options("interrupted", 30);
  interrupted.max_steps_per_run = 12;
  std::ostringstream log;
  train(interrupted, log);
  EXPECT_FALSE(fs::exists(interrupted.out_dir + ".train/language/done"));
  train(interrupted, log);  // 24
  train(interrupted, log);  // 30
  EXPECT_NE(log.str().find("resumed at step 24"), std::string::npos) << log.str();
  EXPECT_TRUE(fs::exists(interrupted.out_dir + ".train/language/done"));
  const auto a = read_all(straight.out_dir + ".train/language/params.safetensors");
  const auto b = read_all(interrupted.out_dir + ".train/language/params.safetensors");
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "the resumed run's parameters differ from the uninterrupted run's";
}

}  // namespace
