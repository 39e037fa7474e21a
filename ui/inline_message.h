#pragma once
// A dismissible message above the chat: errors in plain words, never a dialog that
// blocks, never a crash. The newest message replaces the one shown.
#include <QFrame>

class QLabel;
class QToolButton;

class InlineMessage : public QFrame {
  Q_OBJECT

 public:
  enum class Level { Info, Error };

  explicit InlineMessage(QWidget* parent = nullptr);

  void showMessage(const QString& text, Level level = Level::Error);
  QString text() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyStyle();

  QLabel* m_icon;
  QLabel* m_text;
  QToolButton* m_close;
  Level m_level = Level::Error;
  bool m_styling = false;
};
