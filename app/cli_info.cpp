#include "app/cli_info.h"

#include <cstdio>
#include <exception>
#include <string>

#include "core/paths.h"
#include "core/tokenizer.h"
#include "core/version.h"

namespace {

void line(const char* what, const std::string& value) {
  std::printf("%-17s %s\n", what, value.empty() ? "(none)" : value.c_str());
}

}  // namespace

int run_info() {
  line("version:", FLAMINGO_VERSION);
  line("program dir:", flamingo::executable_dir());
  line("bundled model:", flamingo::bundled_model_dir());
  line("samples:", flamingo::bundled_samples_dir());
  try {
    line("tokenizer module:", flamingo::sentencepiece_module_path());
  } catch (const std::exception& e) {
    line("tokenizer module:", std::string("(missing) ") + e.what());
    return 1;
  }
  return 0;
}
