#pragma once
// Where the user writes: the text field with its inline attachment chips, the strip
// of attachments (each removable), Attach, and Send, which turns into Stop while
// the model writes. Files are checked with the engine's media_kind before anything
// is attached; a refused file changes nothing and is explained.
#include <QFrame>
#include <QList>

#include "ui/conversation.h"

class ComposerEdit;
class FlowLayout;
class QLabel;
class QPushButton;
class QWidget;

class Composer : public QFrame {
  Q_OBJECT

 public:
  explicit Composer(QWidget* parent = nullptr);

  // Attaches the files that are media at the cursor, in order; each refused file
  // is reported through refused(). Returns how many were attached.
  int addFiles(const QStringList& paths);
  QList<MediaRef> attachments() const;
  QString composedText() const;
  void setComposed(const QString& text, const QList<MediaRef>& media);
  void clear();
  void setBusy(bool busy);
  // Loads a sent message for editing; sending then replaces it (editIndex()).
  void beginEdit(int index, const Message& message);
  void cancelEdit();
  int editIndex() const { return m_editIndex; }
  ComposerEdit* edit() const { return m_edit; }

 signals:
  void sendRequested(const QString& text, const QStringList& mediaPaths, int editIndex);
  void stopRequested();
  void attachRequested();
  void editLastRequested();
  void imagePasted(const QImage& image);
  void refused(const QString& message);

 private:
  void send();
  void rebuildChips();

  ComposerEdit* m_edit;
  QWidget* m_chips;
  FlowLayout* m_chipLayout;
  QWidget* m_editBanner;
  QPushButton* m_attach;
  QPushButton* m_send;
  QPushButton* m_stop;
  int m_editIndex = -1;
};
