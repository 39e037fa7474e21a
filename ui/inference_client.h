#pragma once
// The GUI thread's handle on the inference worker: starts the worker's thread,
// posts requests to it as queued calls and relays its signals. No call here waits
// for the model; only the destructor, at shutdown, stops the thread and joins it.
#include <QObject>
#include <QThread>

#include "ui/inference_types.h"

class InferenceWorker;

class InferenceClient : public QObject {
  Q_OBJECT

 public:
  explicit InferenceClient(QObject* parent = nullptr);
  ~InferenceClient() override;

  void loadModel(const QString& dir, const LoadSettings& settings);
  // Posts a request; returns its id, or 0 while another request is still running
  // (one at a time: a second one would reset the first one's stop flag).
  quint64 generate(GenerationRequest request);
  // Ends the running generation within one decoding step. Safe at any time.
  void stop();
  void forgetSession();

  bool isBusy() const { return m_running != 0; }
  bool isLoading() const { return m_loading; }
  bool hasModel() const { return !m_model.directory.isEmpty(); }
  const ModelInfo& model() const { return m_model; }

 signals:
  void modelLoading(const QString& dir);
  void modelLoaded(const ModelInfo& info);
  void modelFailed(const QString& dir, const QString& message);
  void pieceReady(quint64 id, const QString& piece);
  void generationFinished(const GenerationInfo& info);
  void generationFailed(quint64 id, const QString& message);
  void busyChanged(bool busy);

 private:
  void setRunning(quint64 id);

  QThread m_thread;
  InferenceWorker* m_worker = nullptr;  // lives in m_thread; deleted when it ends
  quint64 m_nextId = 1;
  quint64 m_running = 0;
  bool m_loading = false;
  ModelInfo m_model;
};
