#pragma once
// Where the programs find their data, relative to their own location, so that an
// unpacked archive works wherever it is put. No LibTorch here.
#include <string>

namespace flamingo {

std::string executable_dir();  // directory of the running program
// The bundled default model: <prefix>/share/flamingo-chat/models/flamingo-tiny
// when installed, resources/models/flamingo-tiny in the source tree. Empty when
// none is there.
std::string bundled_model_dir();
// Sample media of the bundled model's world with samples.json ("try this" cards):
// <prefix>/share/flamingo-chat/samples, or resources/samples in the source tree.
std::string bundled_samples_dir();

}  // namespace flamingo
