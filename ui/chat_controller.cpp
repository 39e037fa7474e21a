#include "ui/chat_controller.h"

#include <QRandomGenerator>

#include "ui/conversation_list_model.h"
#include "ui/conversation_store.h"
#include "ui/inference_client.h"

ChatController::ChatController(ConversationListModel* list, ConversationStore* store,
                               InferenceClient* client, QObject* parent)
    : QObject(parent), m_list(list), m_store(store), m_client(client) {
  connect(m_client, &InferenceClient::pieceReady, this, &ChatController::onPiece);
  connect(m_client, &InferenceClient::generationFinished, this, &ChatController::onFinished);
  connect(m_client, &InferenceClient::generationFailed, this, &ChatController::onFailed);
  // A rename in the sidebar must reach the working copy, or the next save undoes it.
  connect(m_list, &ConversationListModel::renamed, this, [this](int row) {
    const Conversation& c = m_list->at(row);
    if (c.id == m_current.id) {
      m_current.title = c.title;
      m_current.titleEdited = true;
    }
    QString error;
    if (!m_store->save(c, &error)) emit errorOccurred(error);
  });
}

int ChatController::lastUserMessage() const {
  for (int i = static_cast<int>(m_current.messages.size()) - 1; i >= 0; --i)
    if (m_current.messages[i].role == Message::Role::User) return i;
  return -1;
}

void ChatController::open(const QString& id) {
  if (id == m_current.id) return;
  const int row = m_list->rowOf(id);
  // A reply still arriving belongs to the conversation it was asked in: stop it;
  // onFinished files its text there.
  if (isGenerating()) m_client->stop();
  m_current = row >= 0 ? m_list->at(row) : Conversation();
  m_store->setLastOpenId(m_current.id);
  emit currentChanged();
}

QString ChatController::newConversation() {
  const Conversation c = Conversation::create(QString());
  m_list->prepend(c);
  QString error;
  if (!m_store->save(c, &error)) emit errorOccurred(error);
  open(c.id);
  return c.id;
}

void ChatController::deleteConversation(const QString& id) {
  const int row = m_list->rowOf(id);
  if (row < 0) return;
  if (id == m_current.id) {
    if (isGenerating()) m_client->stop();
    m_current = Conversation();
    emit currentChanged();
  }
  if (id == m_requestConversation) m_requestConversation.clear();
  QString error;
  if (!m_store->remove(id, &error)) emit errorOccurred(error);
  m_list->removeAt(row);
  m_store->removeUnreferencedMedia(m_list->all());
  m_client->forgetSession();
}

bool ChatController::canStart() {
  if (isGenerating()) {
    emit errorOccurred(tr("Wait for the reply to finish, or stop it first."));
    return false;
  }
  if (!m_client->hasModel()) {
    emit errorOccurred(m_client->isLoading()
                           ? tr("The model is still loading. Try again in a moment.")
                           : tr("No model is loaded. Choose a model directory in Settings."));
    return false;
  }
  return true;
}

bool ChatController::send(const QString& text, const QStringList& mediaPaths) {
  if (!canStart()) return false;
  if (text.trimmed().isEmpty() && mediaPaths.isEmpty()) return false;
  if (text.count(kImageMarker) != mediaPaths.size()) {
    emit errorOccurred(tr("The message has %1 <image> marker(s) but %2 attachment(s).")
                           .arg(text.count(kImageMarker))
                           .arg(mediaPaths.size()));
    return false;
  }
  if (!mediaPaths.isEmpty() && !m_client->model().hasVision) {
    emit errorOccurred(tr("The model %1 reads text only: it cannot look at images or videos. "
                          "Choose a Flamingo model in Settings.")
                           .arg(m_client->model().name));
    return false;
  }
  Message message;
  message.text = text;
  for (const QString& path : mediaPaths) {
    QString error;
    const auto ref = m_store->importMedia(path, &error);
    if (!ref) {
      emit errorOccurred(error);
      return false;
    }
    message.media.append(*ref);
  }
  if (!hasCurrent()) newConversation();
  m_current.messages.append(message);
  if (!m_current.titleEdited && m_current.title.isEmpty()) {
    m_current.title = Conversation::titleFrom(text);
    if (m_current.title.isEmpty()) m_current.title = tr("Media chat");
  }
  emit messageAppended(static_cast<int>(m_current.messages.size()) - 1);
  return startReply();
}

bool ChatController::startReply() {
  GenerationRequest request;
  request.conversationId = m_current.id;
  for (const Message& m : m_current.messages)
    request.turns.append(Turn{m.role == Message::Role::User, m.text, m.mediaPaths()});
  request.settings = m_settings;
  // Seed 0 means "different every time", so Regenerate gives another answer.
  if (request.settings.seed == 0) request.settings.seed = QRandomGenerator::global()->generate64();

  Message reply;
  reply.role = Message::Role::Assistant;
  reply.streaming = true;
  m_current.messages.append(reply);
  m_replyIndex = static_cast<int>(m_current.messages.size()) - 1;
  m_requestConversation = m_current.id;
  m_request = m_client->generate(request);
  emit messageAppended(m_replyIndex);
  emit generatingChanged(true);
  commit();
  return true;
}

bool ChatController::regenerate() {
  if (!canStart()) return false;
  const int user = lastUserMessage();
  if (user < 0) return false;
  truncate(user + 1);
  return startReply();
}

bool ChatController::editAndResend(int index, const QString& text, const QStringList& mediaPaths) {
  if (!canStart()) return false;
  if (index < 0 || index >= m_current.messages.size() ||
      m_current.messages[index].role != Message::Role::User)
    return false;
  const Conversation before = m_current;
  truncate(index);
  if (send(text, mediaPaths)) return true;
  m_current = before;  // the new turn was refused: keep the old one
  emit currentChanged();
  return false;
}

void ChatController::stop() {
  if (isGenerating()) m_client->stop();
}

void ChatController::truncate(int from) {
  if (from >= m_current.messages.size()) return;
  m_current.messages.erase(m_current.messages.begin() + from, m_current.messages.end());
  emit messagesRemoved(from);
}

void ChatController::commit() {
  if (!hasCurrent()) return;
  m_current.updated = QDateTime::currentDateTimeUtc();
  const int row = m_list->rowOf(m_current.id);
  if (row >= 0) m_list->update(row, m_current);
  QString error;
  Conversation saved = m_current;
  // A reply still arriving is saved as far as it got.
  for (auto& m : saved.messages) m.streaming = false;
  if (!m_store->save(saved, &error)) emit errorOccurred(error);
}

Conversation* ChatController::replyOwner(int* row) {
  *row = -1;
  if (m_requestConversation.isEmpty()) return nullptr;
  if (m_requestConversation == m_current.id) return &m_current;
  *row = m_list->rowOf(m_requestConversation);
  return nullptr;
}

void ChatController::onPiece(quint64 id, const QString& piece) {
  if (id != m_request || m_requestConversation != m_current.id) return;
  m_current.messages[m_replyIndex].text += piece;
  emit messageChanged(m_replyIndex);
}

void ChatController::onFinished(const GenerationInfo& info) {
  if (info.requestId != m_request) return;
  m_request = 0;
  int row = -1;
  if (Conversation* c = replyOwner(&row)) {
    Message& reply = c->messages[m_replyIndex];
    reply.text = info.text;  // the worker's text is the whole reply, pieces concatenated
    reply.streaming = false;
    reply.cancelled = info.stop == StopKind::Cancelled;
    emit messageChanged(m_replyIndex);
    commit();
  } else if (row >= 0) {
    // The user went to another chat meanwhile: file the reply where it belongs.
    Conversation other = m_list->at(row);
    if (m_replyIndex < other.messages.size()) {
      other.messages[m_replyIndex].text = info.text;
      other.messages[m_replyIndex].streaming = false;
      other.messages[m_replyIndex].cancelled = info.stop == StopKind::Cancelled;
      m_list->update(row, other);
      m_store->save(other);
    }
  }
  m_requestConversation.clear();
  emit generatingChanged(false);
  emit statsReady(info);
}

void ChatController::onFailed(quint64 id, const QString& error) {
  if (id != m_request) return;
  m_request = 0;
  int row = -1;
  QString message = error;
  if (Conversation* c = replyOwner(&row)) {
    // The engine names the copy in the store; the user knows the file by its name.
    for (const Message& m : c->messages)
      for (const MediaRef& r : m.media) message.replace(r.path, r.name);
    Message& reply = c->messages[m_replyIndex];
    reply.streaming = false;
    const int user = m_replyIndex - 1;
    if (reply.text.isEmpty() && user >= 0 && c->messages[user].role == Message::Role::User) {
      // Nothing came: the turn itself could not be read. Take it out, or every
      // later request would read it again and fail the same way.
      const Message turn = c->messages[user];
      truncate(user);
      emit turnReturned(turn);
    } else if (reply.text.isEmpty()) {
      truncate(m_replyIndex);
    } else {
      reply.error = message;
      emit messageChanged(m_replyIndex);
    }
    commit();
  }
  m_requestConversation.clear();
  emit generatingChanged(false);
  emit errorOccurred(message);
}
