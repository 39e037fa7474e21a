// libFuzzer target for the safetensors header parser, the code that sees
// untrusted bytes first. Any input must end in a parsed header or a FileError:
// another exception, a crash, a sanitizer report or a leak is a bug. Built and
// run by tests/fuzz/build_and_run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/error.h"
#include "core/safetensors.h"

namespace {

// What the rest of the program relies on after a successful parse.
void check_invariants(const flamingo::SafetensorsHeader& header, const uint8_t* data, size_t size) {
  if (header.data_start < 8 || header.data_start > size) std::abort();
  const size_t data_size = size - header.data_start;
  size_t previous_end = 0;
  unsigned checksum = 0;
  for (const flamingo::TensorInfo& info : header.tensors) {
    if (info.offset > data_size || info.nbytes > data_size - info.offset) std::abort();
    if (info.nbytes == 0) continue;
    if (info.offset < previous_end) std::abort();  // overlap or not sorted
    previous_end = info.offset + info.nbytes;
    // Touch both ends so that ASan would flag a tensor outside the input.
    const uint8_t* bytes = data + header.data_start + info.offset;
    checksum += bytes[0] + bytes[info.nbytes - 1];
  }
  // Keep the reads from being optimised away.
  if (checksum == 0xffffffffu) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    check_invariants(flamingo::parse_safetensors_header(data, size, "fuzz.safetensors"), data,
                     size);
  } catch (const flamingo::FileError&) {
    // Rejecting malformed input is the expected outcome.
  }
  return 0;
}
