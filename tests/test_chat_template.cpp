// The chat template turns a typed message into the prompt format a model was
// trained on; without a template the message must reach the model unchanged.
#include <gtest/gtest.h>

#include "core/chat_template.h"
#include "core/error.h"

namespace flamingo {
namespace {

ModelConfig config_with(const std::string& chat) {
  ModelConfig c;
  c.name = "test";
  c.tokenizer.added_tokens = {{"<|endofchunk|>", 7}, {"<image>", 8}};
  c.special_tokens.end_of_chunk = 7;
  c.special_tokens.image = 8;
  if (!chat.empty()) c.prompt_templates["chat"] = chat;
  return c;
}

TEST(ChatTemplate, WithoutTemplateMessagesAreSentAsTyped) {
  auto t = ChatTemplate::of(config_with(""));
  EXPECT_EQ(t.user_turn("<image> what is it?  "), "<image> what is it?  ");
  EXPECT_EQ(t.reply_end, "");
}

TEST(ChatTemplate, LeadingMediaTakeTheTemplatesImageSlot) {
  auto t = ChatTemplate::of(config_with("<image>Question: {question} Short answer:"));
  EXPECT_EQ(t.user_turn("<image> What colour is the ball? "),
            "<image>Question: What colour is the ball? Short answer:");
  EXPECT_EQ(t.user_turn("<image><image>Which is bigger?"),
            "<image><image>Question: Which is bigger? Short answer:");
  EXPECT_EQ(t.reply_end, "<|endofchunk|>");
}

TEST(ChatTemplate, TextOnlyMessageDropsTheImageSlot) {
  auto t = ChatTemplate::of(config_with("<image>Q: {question}\nA:"));
  EXPECT_EQ(t.user_turn("hello"), "Q: hello\nA:");
}

TEST(ChatTemplate, LaterMarkersStayInsideTheQuestion) {
  auto t = ChatTemplate::of(config_with("Question: {question} Short answer:"));
  EXPECT_EQ(t.user_turn("<image>is this<image>the same?"),
            "<image>Question: is this<image>the same? Short answer:");
}

TEST(ChatTemplate, TemplateWithoutQuestionIsRefusedByName) {
  try {
    ChatTemplate::of(config_with("<image>Output:"));
    FAIL() << "expected an error";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("{question}"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace flamingo
