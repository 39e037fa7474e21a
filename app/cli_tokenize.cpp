#include "app/cli_tokenize.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "core/error.h"
#include "core/tokenizer.h"

namespace {

// "<image>=50278": the text may itself contain '=', the id follows the last one.
flamingo::AddedToken parse_added(const std::string& spec) {
  size_t eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw flamingo::ArgumentError("--added \"" + spec + "\" is not of the form TEXT=ID");
  std::string id = spec.substr(eq + 1);
  size_t used = 0;
  int value = -1;
  try {
    value = std::stoi(id, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != id.size() || value < 0)
    throw flamingo::ArgumentError("--added \"" + spec + "\": \"" + id + "\" is not a token id");
  return {spec.substr(0, eq), value};
}

std::string tokenizer_type(const TokenizeArgs& a) {
  if (!a.type.empty()) return a.type;
  const std::string ext = ".json";
  bool json = a.tokenizer.size() >= ext.size() &&
              a.tokenizer.compare(a.tokenizer.size() - ext.size(), ext.size(), ext) == 0;
  return json ? "bpe" : "sentencepiece";
}

std::string read_input(const TokenizeArgs& a) {
  if (a.file.empty()) return a.text;
  std::ifstream in(a.file, std::ios::binary);
  if (!in) throw flamingo::FileError(a.file, "cannot be opened");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Lines end at "\n" or "\r\n"; a final line end does not start another line.
std::vector<std::string> split_lines(const std::string& input, bool from_file) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t nl = input.find('\n', start);
    std::string line = input.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (nl != std::string::npos && !line.empty() && line.back() == '\r') line.pop_back();
    if (nl == std::string::npos) {
      if (!(from_file && line.empty() && start > 0)) lines.push_back(line);
      break;
    }
    lines.push_back(line);
    start = nl + 1;
  }
  return lines;
}

}  // namespace

void add_tokenize_command(CLI::App& app, TokenizeArgs& a, int& which, int id) {
  auto* cmd = app.add_subcommand("tokenize", "Print the token ids of each line of text");
  cmd->add_option("--tokenizer", a.tokenizer, "tokenizer.json (byte-level BPE) or SentencePiece .model")
      ->required();
  cmd->add_option("--type", a.type, "bpe or sentencepiece (default: bpe for *.json)")
      ->check(CLI::IsMember({"bpe", "sentencepiece"}));
  auto* text = cmd->add_option("--text", a.text, "Text to tokenize");
  auto* file = cmd->add_option("--file", a.file, "File whose lines to tokenize");
  text->excludes(file);
  cmd->add_option("--added", a.added, "Extra added token TEXT=ID, e.g. \"<image>=50278\" (repeatable)");
  cmd->callback([&which, id, text, file] {
    if (text->count() == 0 && file->count() == 0) throw CLI::RequiredError("--text or --file");
    which = id;
  });
}

int run_tokenize(const TokenizeArgs& a) {
  try {
    std::vector<flamingo::AddedToken> added;
    for (const auto& spec : a.added) added.push_back(parse_added(spec));
    auto tok = flamingo::Tokenizer::load(a.tokenizer, tokenizer_type(a), added);
    std::string out;
    for (const auto& line : split_lines(read_input(a), !a.file.empty())) {
      std::string ids;
      for (int id : tok->encode(line, false)) ids += (ids.empty() ? "" : " ") + std::to_string(id);
      out += ids + "\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  } catch (const flamingo::Error& e) {
    std::cerr << "flamingo: error: " << e.what() << "\n";
  }
  return 1;
}
