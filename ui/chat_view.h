#pragma once
// The open conversation as a column of message bubbles in a scroll area. It follows
// a streaming reply down unless the user has scrolled up; then a "Jump to latest"
// button appears. Updates of a streaming reply are coalesced to a few per second
// of frames, so a fast model cannot flood the GUI thread with re-layouts.
#include <QHash>
#include <QList>
#include <QScrollArea>
#include <QSet>
#include <QTimer>

#include "ui/conversation.h"

class MessageWidget;
class QToolButton;
class QVBoxLayout;

class ChatView : public QScrollArea {
  Q_OBJECT

 public:
  explicit ChatView(QWidget* parent = nullptr);

  void setModelName(const QString& name) { m_modelName = name; }
  void setConversation(const Conversation& conversation);
  void appendMessage(int index, const Message& message);
  // Takes effect on the next frame; `message` is copied now.
  void updateMessage(int index, const Message& message);
  void removeFrom(int index);
  void setBusy(bool busy);

  int messageCount() const { return static_cast<int>(m_widgets.size()); }
  MessageWidget* messageAt(int index) const { return m_widgets.value(index); }
  bool isFollowing() const { return m_follow; }
  void jumpToLatest();

 signals:
  void editRequested(int index);
  void regenerateRequested();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void flushUpdates();
  void updateActions();
  void placeJumpButton();

  QWidget* m_content;
  QVBoxLayout* m_column;
  QList<MessageWidget*> m_widgets;
  QHash<int, Message> m_pending;  // updates waiting for the next frame
  QTimer m_frame;
  QToolButton* m_jump;
  QString m_modelName;
  bool m_follow = true;
  bool m_busy = false;
};
