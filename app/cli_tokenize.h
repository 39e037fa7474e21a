#pragma once
// `flamingo tokenize`: prints the token ids of text, one line of ids per input line.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

struct TokenizeArgs {
  std::string tokenizer;           // tokenizer.json (BPE) or a SentencePiece .model
  std::string type;                // "bpe" or "sentencepiece"; empty: from the file name
  std::string text;
  std::string file;
  std::vector<std::string> added;  // "TEXT=ID"
};

void add_tokenize_command(CLI::App& app, TokenizeArgs& args, int& which, int id);
int run_tokenize(const TokenizeArgs& args);
