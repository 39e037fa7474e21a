#pragma once
// Plain values that cross from the GUI thread to the inference worker and back by
// queued signals. They are copied, never shared, so neither thread ever sees the
// other's data change under it.
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

// One turn of a conversation as the model reads it: text with <image> markers and,
// in the same order, one media file per marker.
struct Turn {
  bool fromUser = true;
  QString text;
  QStringList mediaPaths;

  bool operator==(const Turn& o) const {
    return fromUser == o.fromUser && text == o.text && mediaPaths == o.mediaPaths;
  }
  bool operator!=(const Turn& o) const { return !(*this == o); }
};

struct LoadSettings {
  QString device = QStringLiteral("cpu");
  int threads = 0;  // 0: LibTorch's default
};

struct GenerationSettings {
  double temperature = 0.8;
  int topK = 40;
  double topP = 0.95;
  double repetitionPenalty = 1.0;
  int maxNewTokens = 256;
  quint64 seed = 0;
  double videoFps = 1.0;  // frames sampled per second of video
  int maxFrames = 8;      // at most this many per clip
};

// A request to answer the last turn of `turns`. The worker keeps the session of the
// conversation it answered last; when `turns` extends what it has already read it
// feeds only the new turns, otherwise it rebuilds the session from all of them.
struct GenerationRequest {
  quint64 id = 0;
  QString conversationId;
  QList<Turn> turns;
  GenerationSettings settings;
};

struct ModelInfo {
  QString directory;
  QString name;
  QString device;
  bool hasVision = false;
  int contextLength = 0;
};

enum class StopKind { MaxTokens, StopToken, StopString, Cancelled, ContextFull };

struct GenerationInfo {
  quint64 requestId = 0;
  QString text;  // the whole reply: exactly the streamed pieces, concatenated
  StopKind stop = StopKind::MaxTokens;
  int promptTokens = 0;
  int newTokens = 0;
  double timeToFirstTokenMs = 0;
  double tokensPerSecond = 0;
  int mediaInContext = 0;
  int contextUsed = 0;
  bool rebuilt = false;  // the session was rebuilt from the whole conversation
};

Q_DECLARE_METATYPE(Turn)
Q_DECLARE_METATYPE(LoadSettings)
Q_DECLARE_METATYPE(GenerationSettings)
Q_DECLARE_METATYPE(GenerationRequest)
Q_DECLARE_METATYPE(ModelInfo)
Q_DECLARE_METATYPE(GenerationInfo)

// Registers the types above for queued connections; safe to call more than once.
void registerInferenceTypes();
