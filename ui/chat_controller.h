#pragma once
// The conversation logic between the widgets and the inference worker, on the GUI
// thread. It keeps a working copy of the open conversation, changes it only when
// the user acts or a worker signal arrives, tells the views what changed, and
// saves each finished change through the store.
#include <QObject>
#include <QStringList>

#include "ui/conversation.h"
#include "ui/inference_types.h"

class ConversationListModel;
class ConversationStore;
class InferenceClient;

class ChatController : public QObject {
  Q_OBJECT

 public:
  ChatController(ConversationListModel* list, ConversationStore* store, InferenceClient* client,
                 QObject* parent = nullptr);

  void setGenerationSettings(const GenerationSettings& settings) { m_settings = settings; }
  const Conversation& current() const { return m_current; }
  bool hasCurrent() const { return !m_current.id.isEmpty(); }
  bool isGenerating() const { return m_request != 0; }
  int lastUserMessage() const;  // -1 when there is none

  void open(const QString& id);
  QString newConversation();
  void deleteConversation(const QString& id);

  // Sends a user turn: text with one <image> marker per media file, in order. The
  // files are copied into the store first. Returns false, changing nothing, when
  // the turn cannot be sent; errorOccurred says why.
  bool send(const QString& text, const QStringList& mediaPaths);
  // Asks again for the last reply. The worker rebuilds its session from the turns.
  bool regenerate();
  // Replaces user message `index` and everything after it with a new turn.
  bool editAndResend(int index, const QString& text, const QStringList& mediaPaths);
  void stop();

 signals:
  void currentChanged();  // another conversation is open: views rebuild
  void messageAppended(int index);
  void messageChanged(int index);
  void messagesRemoved(int from);  // messages from `from` on are gone
  void generatingChanged(bool generating);
  void statsReady(const GenerationInfo& info);
  void errorOccurred(const QString& message);
  // A turn the model could not read (a broken file, say) was taken back out of the
  // chat, so the conversation stays answerable; the window puts it back in the composer.
  void turnReturned(const Message& message);

 private:
  bool canStart();
  bool startReply();
  void truncate(int from);
  void commit();  // writes m_current to the list and the store
  void onPiece(quint64 id, const QString& piece);
  void onFinished(const GenerationInfo& info);
  void onFailed(quint64 id, const QString& message);
  // The conversation a reply belongs to, wherever it is now.
  Conversation* replyOwner(int* row);

  ConversationListModel* m_list;
  ConversationStore* m_store;
  InferenceClient* m_client;
  GenerationSettings m_settings;
  Conversation m_current;
  quint64 m_request = 0;  // the running request, 0 when idle
  QString m_requestConversation;
  int m_replyIndex = -1;  // the message the running request writes
};
