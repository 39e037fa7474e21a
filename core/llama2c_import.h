#pragma once
// Import of checkpoints in llama2.c's "legacy" format (Karpathy, 2023): a header
// of 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
// vocab_size, max_seq_len; a negative vocab_size means a separate classifier)
// followed by float32 arrays. No LibTorch here.
#include <string>

namespace flamingo {

struct Llama2cImportOptions {
  std::string weights_path;    // FILE.bin
  std::string tokenizer_path;  // SentencePiece FILE.model
  std::string out_dir;
  std::string name;            // defaults to the weights file's stem
};

// Writes a model directory (config.json, model.safetensors, tokenizer.model).
// Every problem with the input is a FileError naming the file.
void import_llama2c(const Llama2cImportOptions& options);

}  // namespace flamingo
