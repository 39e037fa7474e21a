#include "ui/inference_worker.h"

#include <QFile>
#include <algorithm>
#include <exception>
#include <new>

#include "core/chat_template.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/media.h"

namespace {

StopKind toStopKind(flamingo::StopReason r) {
  switch (r) {
    case flamingo::StopReason::kMaxTokens:
      return StopKind::MaxTokens;
    case flamingo::StopReason::kStopToken:
      return StopKind::StopToken;
    case flamingo::StopReason::kStopString:
      return StopKind::StopString;
    case flamingo::StopReason::kCancelled:
      return StopKind::Cancelled;
    case flamingo::StopReason::kContextFull:
      return StopKind::ContextFull;
  }
  return StopKind::MaxTokens;
}

std::string toPath(const QString& path) { return QFile::encodeName(path).toStdString(); }

// Runs `body`, turning whatever it throws into a message for the user. The engine's
// own errors already say what is wrong and with which file.
template <typename Body>
QString guarded(Body&& body) {
  try {
    body();
    return {};
  } catch (const flamingo::Error& e) {
    return QString::fromStdString(e.what());
  } catch (const std::bad_alloc&) {
    return InferenceWorker::tr("The computer ran out of memory.");
  } catch (const std::exception& e) {
    return InferenceWorker::tr("Internal error: %1").arg(QString::fromStdString(e.what()));
  } catch (...) {
    return InferenceWorker::tr("Internal error of an unknown kind.");
  }
}

}  // namespace

InferenceWorker::InferenceWorker(QObject* parent) : QObject(parent) { registerInferenceTypes(); }

// Out of line: Model and Session are complete only here.
InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::loadModel(const QString& dir, const LoadSettings& settings) {
  emit modelLoading(dir);
  // The old session refers to the old model: drop both before loading the new one,
  // so two models never sit in memory together.
  forgetSession();
  m_session.reset();
  m_model.reset();
  ModelInfo info;
  const QString error = guarded([&] {
    flamingo::LoadOptions options;
    options.device = settings.device.toStdString();
    options.threads = settings.threads;
    m_model = flamingo::Model::load(toPath(dir), options);
    const auto& config = m_model->config();
    info.directory = dir;
    info.name = QString::fromStdString(config.name);
    info.device = QString::fromStdString(m_model->device());
    info.hasVision = config.has_vision;
    info.contextLength = config.language_model.max_seq_len;
    m_session = std::make_unique<flamingo::Session>(m_model);
  });
  if (error.isEmpty()) {
    emit modelLoaded(info);
  } else {
    m_model.reset();
    emit modelFailed(dir, error);
  }
}

void InferenceWorker::forgetSession() {
  m_conversationId.clear();
  m_fed.clear();
}

void InferenceWorker::appendTurn(const Turn& turn, const GenerationSettings& settings) {
  // The model's own turn format (e.g. "<image>Question: ... Short answer:"), or
  // the text as typed when its config has no chat template.
  const auto chat = flamingo::ChatTemplate::of(m_model->config());
  if (!turn.fromUser) {
    // A reply is read back as plain text: should the model ever have written the
    // image token, it must not count as a marker without a medium.
    m_session->append_text(QString(turn.text).remove(QStringLiteral("<image>")).toStdString() +
                           chat.reply_end);
    return;
  }
  const std::string text = chat.user_turn(turn.text.toStdString());
  if (turn.mediaPaths.isEmpty()) {
    m_session->append_text(text);
    return;
  }
  // Media are decoded here rather than by Session::append_text so that the user's
  // video sampling settings apply; the model's own frame limit still caps them.
  flamingo::Preprocessing p = m_model->config().preprocessing;
  p.video_fps = settings.videoFps;
  p.max_frames = std::max(1, settings.maxFrames);
  const int modelFrames = m_model->config().perceiver.max_frames;
  if (modelFrames > 0) p.max_frames = std::min(p.max_frames, modelFrames);
  std::vector<flamingo::MediaTensor> media;
  for (const QString& path : turn.mediaPaths)
    media.push_back(flamingo::load_media(toPath(path), p));
  m_session->append_text_with_media(text, std::move(media));
}

bool InferenceWorker::prepareSession(const GenerationRequest& request) {
  const bool extends = m_conversationId == request.conversationId &&
                       m_fed.size() < request.turns.size() &&
                       std::equal(m_fed.begin(), m_fed.end(), request.turns.begin());
  if (!extends) {
    // Regenerate, edit, or another conversation: the cache holds tokens that are no
    // longer in the conversation, so read it all again. This costs a prefill of the
    // whole conversation and a new encoding of each of its media.
    m_session->reset();
    m_fed.clear();
  }
  // Until every turn is in, the session matches no conversation.
  m_conversationId.clear();
  for (qsizetype i = m_fed.size(); i < request.turns.size(); ++i) {
    appendTurn(request.turns[i], request.settings);
    m_fed.append(request.turns[i]);
  }
  return !extends;
}

GenerationInfo InferenceWorker::run(const GenerationRequest& request) {
  GenerationInfo info;
  info.requestId = request.id;
  info.rebuilt = prepareSession(request);

  const auto& config = m_model->config();
  const GenerationSettings& s = request.settings;
  flamingo::GenerateOptions options;
  options.sampling.temperature = static_cast<float>(s.temperature);
  options.sampling.top_k = s.topK;
  options.sampling.top_p = static_cast<float>(s.topP);
  options.sampling.repetition_penalty = static_cast<float>(s.repetitionPenalty);
  options.sampling.seed = s.seed;
  options.max_new_tokens = s.maxNewTokens;
  // A reply ends at the end of the text or of the chunk, as Flamingo was trained.
  for (int id : {config.special_tokens.eos, config.special_tokens.end_of_chunk})
    if (id >= 0) options.stop_tokens.push_back(id);

  const quint64 id = request.id;
  const auto result = m_session->generate(
      options,
      [this, id](const std::string& piece) { emit pieceReady(id, QString::fromStdString(piece)); },
      &m_cancel);

  info.text = QString::fromStdString(result.text);
  info.stop = toStopKind(result.stats.stop_reason);
  info.promptTokens = result.stats.prompt_tokens;
  info.newTokens = result.stats.new_tokens;
  info.timeToFirstTokenMs = result.stats.time_to_first_token_ms;
  info.tokensPerSecond = result.stats.decode_tokens_per_s();
  info.mediaInContext = m_session->media_count();
  info.contextUsed = m_session->context_used();
  m_fed.append(Turn{false, info.text, {}});
  m_conversationId = request.conversationId;
  return info;
}

void InferenceWorker::generate(const GenerationRequest& request) {
  emit generationStarted(request.id);
  if (!m_model || !m_session) {
    emit generationFailed(request.id, tr("No model is loaded. Choose one in Settings."));
    return;
  }
  GenerationInfo info;
  const QString error = guarded([&] { info = run(request); });
  if (error.isEmpty()) {
    emit generationFinished(info);
  } else {
    forgetSession();  // the session may hold half a turn
    emit generationFailed(request.id, error);
  }
}
