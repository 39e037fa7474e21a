#include "core/chat_template.h"

#include <cctype>

#include "core/error.h"

namespace flamingo {
namespace {

constexpr const char* kImage = "<image>";
constexpr const char* kQuestion = "{question}";

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string token_text(const ModelConfig& c, int id) {
  for (const auto& t : c.tokenizer.added_tokens)
    if (t.id == id) return t.text;
  return {};
}

}  // namespace

ChatTemplate ChatTemplate::of(const ModelConfig& config) {
  ChatTemplate t;
  auto it = config.prompt_templates.find("chat");
  if (it == config.prompt_templates.end()) return t;
  if (it->second.find(kQuestion) == std::string::npos)
    throw ArgumentError("prompt template \"chat\" of model " + config.name +
                        " has no {question} placeholder: \"" + it->second + "\"");
  t.user = it->second;
  t.reply_end = token_text(config, config.special_tokens.end_of_chunk);
  return t;
}

std::string ChatTemplate::user_turn(const std::string& message) const {
  if (user.empty()) return message;
  // Split "<image> <image>What is this?" into its leading media and the question.
  std::string media;
  size_t pos = 0;
  const std::string image = kImage;
  for (;;) {
    size_t next = pos;
    while (next < message.size() && std::isspace(static_cast<unsigned char>(message[next]))) ++next;
    if (message.compare(next, image.size(), image) != 0) break;
    media += image;
    pos = next + image.size();
  }
  // Fill the template's media slot first: the question may hold markers too.
  std::string out = user;
  const size_t slot = out.find(image);
  if (slot == std::string::npos) out = media + out;
  else out.replace(slot, image.size(), media);
  return out.replace(out.find(kQuestion), std::string(kQuestion).size(), trim(message.substr(pos)));
}

}  // namespace flamingo
