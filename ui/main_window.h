#pragma once
#include <QMainWindow>

class QLabel;

// The main window. For now it shows which model is loaded, or says plainly that
// none is bundled yet; the chat view, composer and few-shot builder come next.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const QString& modelDir, QWidget* parent = nullptr);

  QString statusText() const;

 private:
  void createActions();
  QWidget* createWelcome(const QString& modelDir);

  QLabel* m_status = nullptr;
};
