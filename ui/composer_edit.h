#pragma once
// The composer's text field. Attachments live in the text as chips (see
// AttachmentObject), so the order of text and media is the order the user sees.
// Enter sends, Shift+Enter starts a new line, Up in an empty field asks to edit the
// last message. Dropped or pasted files are offered to the composer, which checks
// them before anything is inserted.
#include <QImage>
#include <QTextEdit>

#include "ui/conversation.h"

class ComposerEdit : public QTextEdit {
  Q_OBJECT

 public:
  explicit ComposerEdit(QWidget* parent = nullptr);

  void insertAttachment(const MediaRef& media);
  QList<MediaRef> attachments() const;  // in the order they appear
  void removeAttachment(int ordinal);
  // The text with an <image> marker where each chip is.
  QString composedText() const;
  // The reverse: markers become chips of `media`, in order.
  void setComposed(const QString& text, const QList<MediaRef>& media);
  bool isEmptyMessage() const;
  QSize sizeHint() const override;

 signals:
  void sendRequested();
  void editLastRequested();
  void filesOffered(const QStringList& paths);
  void imagePasted(const QImage& image);

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  QMimeData* createMimeDataFromSelection() const override;
  bool canInsertFromMimeData(const QMimeData* source) const override;
  void insertFromMimeData(const QMimeData* source) override;

 private:
  // Calls `visit` for each chip with its ordinal and document position.
  template <typename Visit>
  void forEachChip(Visit&& visit) const;
};
