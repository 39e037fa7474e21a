#include "core/paths.h"

#include <filesystem>

namespace flamingo {

namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::string bundled_model_dir() {
  const fs::path exe = executable_dir();
  const fs::path candidates[] = {
      exe / ".." / "share" / "flamingo-chat" / "models" / "flamingo-tiny",
#ifdef FLAMINGO_SOURCE_DIR
      fs::path(FLAMINGO_SOURCE_DIR) / "resources" / "models" / "flamingo-tiny",
#endif
  };
  for (const auto& dir : candidates) {
    std::error_code ec;
    if (fs::exists(dir / "config.json", ec)) return fs::weakly_canonical(dir, ec).string();
  }
  return {};
}

std::string bundled_samples_dir() {
  const fs::path exe = executable_dir();
  const fs::path candidates[] = {
      exe / ".." / "share" / "flamingo-chat" / "samples",
#ifdef FLAMINGO_SOURCE_DIR
      fs::path(FLAMINGO_SOURCE_DIR) / "resources" / "samples",
#endif
  };
  for (const auto& dir : candidates) {
    std::error_code ec;
    if (fs::exists(dir / "samples.json", ec)) return fs::weakly_canonical(dir, ec).string();
  }
  return {};
}

}  // namespace flamingo
