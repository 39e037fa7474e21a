#pragma once
// One message of the chat: a bubble holding the message as the model reads it,
// text and media interleaved in order, with Copy, Edit and Regenerate at hand.
// Replies render Markdown; a reply still arriving shows a caret.
#include <QFrame>
#include <QList>

#include "ui/conversation.h"

class QLabel;
class QToolButton;
class QVBoxLayout;

class MessageWidget : public QFrame {
  Q_OBJECT

 public:
  MessageWidget(const Message& message, const QString& modelName, QWidget* parent = nullptr);

  void setMessage(const Message& message);
  // Edit sits on the user's messages, Regenerate on the last reply.
  void setActions(bool canEdit, bool canRegenerate);
  QString plainText() const;  // what Copy puts on the clipboard

 signals:
  void editRequested();
  void regenerateRequested();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void rebuildBody();
  void updateStreamingText();
  void updateFooter();
  void applyStyle();
  QLabel* makeTextLabel(const QString& text);
  QString displayText(const QString& segment) const;

  Message m_message;
  QLabel* m_role;
  QVBoxLayout* m_body;
  QLabel* m_footer;
  QToolButton* m_copy;
  QToolButton* m_edit;
  QToolButton* m_regenerate;
  QList<QLabel*> m_textLabels;  // one per text segment, in order
  bool m_styling = false;
};
