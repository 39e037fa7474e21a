#include "core/train_data.h"

#include <ATen/ATen.h>

#include "core/media.h"
#include "core/tokenizer.h"

namespace flamingo {
namespace {

// Encodes `text` in segments cut at the answer spans, so each token is known to
// be inside or outside an answer. SentencePiece never merges across the spaces
// the spans start with, so the cuts do not change the tokens.
void encode_document(const world::Document& doc, const Tokenizer& tok, int end_of_chunk,
                     float context_weight, std::vector<int>& ids, std::vector<float>& mask) {
  size_t at = 0;
  auto add = [&](size_t begin, size_t end, bool target) {
    if (end <= begin) return;
    for (int id : tok.encode(doc.text.substr(begin, end - begin), false)) {
      ids.push_back(id);
      mask.push_back(target ? 1.0f : context_weight);
    }
  };
  for (const auto& [begin, end] : doc.answer_spans) {
    add(at, begin, false);
    add(begin, end, true);
    at = end;
    // The <|endofchunk|> that closes an answer is what stops generation: learn it too.
    if (doc.text.compare(end, std::string(world::kEndOfChunk).size(), world::kEndOfChunk) == 0) {
      ids.push_back(end_of_chunk);
      mask.push_back(1.0f);
      at = end + std::string(world::kEndOfChunk).size();
    }
  }
  add(at, doc.text.size(), false);
}

}  // namespace

at::Tensor media_frames(const world::Media& media, const Preprocessing& p) {
  std::vector<at::Tensor> frames;
  for (const auto& image : media.frames) {
    MediaTensor m = preprocess_image(image, p);
    frames.push_back(at::from_blob(m.data.data(), {1, 3, m.height, m.width}, at::kFloat).clone());
  }
  return at::cat(frames, 0);  // [F, 3, S, S]
}

TrainingSequence pack_documents(world::Generator& gen, const Tokenizer& tok, const ModelConfig& c,
                                int max_tokens, float context_weight, bool keep_media,
                                const std::function<world::Document(world::Generator&)>& next) {
  TrainingSequence seq;
  const int image = c.special_tokens.image;
  while (static_cast<int>(seq.tokens.size()) < max_tokens) {
    world::Document doc = next ? next(gen) : gen.random_document();
    std::vector<int> ids{c.special_tokens.bos};
    std::vector<float> mask{0.0f};
    encode_document(doc, tok, c.special_tokens.end_of_chunk, context_weight, ids, mask);
    const int room = max_tokens - static_cast<int>(seq.tokens.size());
    if (static_cast<int>(ids.size()) > room) {
      if (!seq.tokens.empty()) break;  // keep documents whole when possible
      ids.resize(room), mask.resize(room);
    }
    int markers = 0;
    for (int id : ids) markers += id == image;
    for (int k = 0; keep_media && k < markers && k < static_cast<int>(doc.media.size()); ++k)
      seq.media.push_back(media_frames(doc.media[k], c.preprocessing));
    seq.tokens.insert(seq.tokens.end(), ids.begin(), ids.end());
    seq.target_mask.insert(seq.target_mask.end(), mask.begin(), mask.end());
  }
  return seq;
}

}  // namespace flamingo
