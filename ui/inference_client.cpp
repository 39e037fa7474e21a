#include "ui/inference_client.h"

#include "ui/inference_worker.h"

InferenceClient::InferenceClient(QObject* parent) : QObject(parent) {
  registerInferenceTypes();
  m_thread.setObjectName(QStringLiteral("inference"));
  m_worker = new InferenceWorker;
  m_worker->moveToThread(&m_thread);
  connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

  // Worker to GUI: queued, since the sender lives in another thread.
  connect(m_worker, &InferenceWorker::modelLoading, this, &InferenceClient::modelLoading);
  connect(m_worker, &InferenceWorker::modelLoaded, this, [this](const ModelInfo& info) {
    m_loading = false;
    m_model = info;
    emit modelLoaded(info);
  });
  connect(m_worker, &InferenceWorker::modelFailed, this,
          [this](const QString& dir, const QString& message) {
            m_loading = false;
            m_model = {};
            emit modelFailed(dir, message);
          });
  connect(m_worker, &InferenceWorker::pieceReady, this, &InferenceClient::pieceReady);
  connect(m_worker, &InferenceWorker::generationFinished, this, [this](const GenerationInfo& info) {
    if (info.requestId == m_running) setRunning(0);
    emit generationFinished(info);
  });
  connect(m_worker, &InferenceWorker::generationFailed, this,
          [this](quint64 id, const QString& message) {
            if (id == m_running) setRunning(0);
            emit generationFailed(id, message);
          });
  m_thread.start();
}

InferenceClient::~InferenceClient() {
  // Shutdown: end a running generation at its next step, then join the thread.
  // The worker may still be loading a model; that cannot be interrupted.
  m_worker->requestStop();
  m_thread.quit();
  m_thread.wait();
}

void InferenceClient::loadModel(const QString& dir, const LoadSettings& settings) {
  m_loading = true;
  m_model = {};
  QMetaObject::invokeMethod(
      m_worker, [w = m_worker, dir, settings] { w->loadModel(dir, settings); },
      Qt::QueuedConnection);
}

quint64 InferenceClient::generate(GenerationRequest request) {
  if (m_running != 0) return 0;
  request.id = m_nextId++;
  // Cleared here, before the request is posted, so that a Stop pressed before the
  // worker picks the request up still counts.
  m_worker->clearStop();
  setRunning(request.id);
  QMetaObject::invokeMethod(
      m_worker, [w = m_worker, request] { w->generate(request); }, Qt::QueuedConnection);
  return request.id;
}

void InferenceClient::stop() { m_worker->requestStop(); }

void InferenceClient::forgetSession() {
  QMetaObject::invokeMethod(m_worker, &InferenceWorker::forgetSession, Qt::QueuedConnection);
}

void InferenceClient::setRunning(quint64 id) {
  const bool wasBusy = m_running != 0;
  m_running = id;
  if (wasBusy != (id != 0)) emit busyChanged(id != 0);
}
