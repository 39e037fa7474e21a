#pragma once
// The model's thread. An InferenceWorker is moved to its own QThread and reached
// only through queued signals and slots, so the GUI thread never runs the model
// and never waits for it. It owns the model and the one flamingo::Session of the
// conversation it answered last. Every exception is caught here and reported as a
// signal: nothing thrown by the engine reaches the event loop.
#include <QList>
#include <QObject>
#include <atomic>
#include <memory>

#include "ui/inference_types.h"

namespace flamingo {
class Model;
class Session;
}  // namespace flamingo

class InferenceWorker : public QObject {
  Q_OBJECT

 public:
  explicit InferenceWorker(QObject* parent = nullptr);
  ~InferenceWorker() override;

  // Thread-safe: the only members another thread may call. The flag is passed to
  // Session::generate, which checks it before every decoding step.
  void requestStop() { m_cancel.store(true); }
  void clearStop() { m_cancel.store(false); }

 public slots:
  void loadModel(const QString& dir, const LoadSettings& settings);
  void generate(const GenerationRequest& request);
  // The conversation was deleted or changed behind the worker's back: the next
  // request rebuilds its session.
  void forgetSession();

 signals:
  void modelLoading(const QString& dir);
  void modelLoaded(const ModelInfo& info);
  void modelFailed(const QString& dir, const QString& message);
  void generationStarted(quint64 id);
  void pieceReady(quint64 id, const QString& piece);
  void generationFinished(const GenerationInfo& info);
  void generationFailed(quint64 id, const QString& message);

 private:
  // Makes the session hold every turn of the request; returns true when it had
  // to be rebuilt from the first turn.
  bool prepareSession(const GenerationRequest& request);
  void appendTurn(const Turn& turn, const GenerationSettings& settings);
  GenerationInfo run(const GenerationRequest& request);

  std::shared_ptr<flamingo::Model> m_model;
  std::unique_ptr<flamingo::Session> m_session;
  QString m_conversationId;  // whose turns m_session holds
  QList<Turn> m_fed;         // the turns m_session holds, replies included
  std::atomic<bool> m_cancel{false};
};
