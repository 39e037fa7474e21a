// flamingo_sentencepiece: a loadable module around Debian's libsentencepiece.
//
// Why a module: libsentencepiece.so.0 carries and exports its own protobuf-lite
// (3.14), while LibTorch loads libprotobuf 3.21; both in one symbol namespace
// crash before main. This file is built with hidden visibility, exports only the
// small C ABI below, and is dlopen'ed by core/tokenizer.cpp with RTLD_LOCAL |
// RTLD_DEEPBIND, so its protobuf never meets LibTorch's.
//
// ABI rules: plain C types only; strings are (pointer, length); memory returned
// to the caller stays owned by the module (valid while the handle lives); errors
// are copied into a caller buffer; no exception crosses the boundary.
// Bump kAbiVersion whenever a signature or a meaning below changes.
#include <sentencepiece_processor.h>

#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#define FSP_EXPORT extern "C" __attribute__((visibility("default")))

// The opaque handle the C ABI hands out.
struct fsp_model {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

constexpr int kAbiVersion = 2;

// Truncates silently: the buffer is only for a human-readable message.
void set_error(char* buf, size_t len, std::string_view message) {
  if (buf == nullptr || len == 0) return;
  size_t n = message.size() < len - 1 ? message.size() : len - 1;
  std::memcpy(buf, message.data(), n);
  buf[n] = '\0';
}

void set_current_exception(char* buf, size_t len) {
  try {
    throw;
  } catch (const std::exception& e) {
    set_error(buf, len, e.what());
  } catch (...) {
    set_error(buf, len, "unknown exception in flamingo_sentencepiece");
  }
}

bool valid_id(const fsp_model* h, int id) {
  return h != nullptr && id >= 0 && id < h->processor.GetPieceSize();
}

}  // namespace

FSP_EXPORT int fsp_abi_version(void) { return kAbiVersion; }

// Returns a handle, or null with the reason in err.
FSP_EXPORT fsp_model* fsp_load(const char* path, char* err, size_t err_len) {
  if (path == nullptr) {
    set_error(err, err_len, "fsp_load: null path");
    return nullptr;
  }
  try {
    auto handle = std::make_unique<fsp_model>();
    auto status = handle->processor.Load(path);
    if (!status.ok()) {
      set_error(err, err_len, status.ToString());
      return nullptr;
    }
    return handle.release();
  } catch (...) {
    set_current_exception(err, err_len);
    return nullptr;
  }
}

FSP_EXPORT void fsp_free(fsp_model* h) { delete h; }

FSP_EXPORT int fsp_vocab_size(const fsp_model* h) {
  return h == nullptr ? 0 : h->processor.GetPieceSize();
}

// The raw piece; null for an id out of range. *len receives its byte length.
FSP_EXPORT const char* fsp_id_to_piece(const fsp_model* h, int id, size_t* len) {
  if (!valid_id(h, id)) return nullptr;
  try {
    const std::string& piece = h->processor.IdToPiece(id);
    if (len != nullptr) *len = piece.size();
    return piece.data();
  } catch (...) {
    return nullptr;
  }
}

FSP_EXPORT int fsp_is_byte(const fsp_model* h, int id) {
  return valid_id(h, id) && h->processor.IsByte(id) ? 1 : 0;
}

FSP_EXPORT int fsp_is_control(const fsp_model* h, int id) {
  return valid_id(h, id) && h->processor.IsControl(id) ? 1 : 0;
}

FSP_EXPORT int fsp_is_unknown(const fsp_model* h, int id) {
  return valid_id(h, id) && h->processor.IsUnknown(id) ? 1 : 0;
}

FSP_EXPORT int fsp_is_unused(const fsp_model* h, int id) {
  return valid_id(h, id) && h->processor.IsUnused(id) ? 1 : 0;
}

FSP_EXPORT int fsp_bos_id(const fsp_model* h) {
  return h == nullptr ? -1 : h->processor.bos_id();
}

FSP_EXPORT int fsp_eos_id(const fsp_model* h) {
  return h == nullptr ? -1 : h->processor.eos_id();
}

FSP_EXPORT int fsp_unk_id(const fsp_model* h) {
  return h == nullptr ? -1 : h->processor.unk_id();
}

// Encodes text[0, len) without BOS/EOS. Writes at most cap ids and returns how
// many the text needs (call again with a larger buffer when that exceeds cap),
// or -1 with the reason in err.
FSP_EXPORT long fsp_encode(const fsp_model* h, const char* text, size_t len, int* out_ids,
                           size_t cap, char* err, size_t err_len) {
  if (h == nullptr || (text == nullptr && len > 0)) {
    set_error(err, err_len, "fsp_encode: null handle or text");
    return -1;
  }
  try {
    std::vector<int> ids;
    auto status = h->processor.Encode(
        std::string_view(text == nullptr ? "" : text, len), &ids);
    if (!status.ok()) {
      set_error(err, err_len, status.ToString());
      return -1;
    }
    if (!ids.empty() && ids.size() <= cap) {
      std::memcpy(out_ids, ids.data(), ids.size() * sizeof(int));
    }
    return static_cast<long>(ids.size());
  } catch (...) {
    set_current_exception(err, err_len);
    return -1;
  }
}

