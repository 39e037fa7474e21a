#pragma once
// A fresh scratch directory per test (FLAMINGO_TEST_TMP/<area>/<suite.test>), so
// tests may run in parallel processes without sharing files.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

inline std::filesystem::path fresh_test_dir(const std::string& area) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const auto dir = std::filesystem::path(FLAMINGO_TEST_TMP) / area / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}
