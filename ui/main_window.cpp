#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QVBoxLayout>

MainWindow::MainWindow(const QString& modelDir, QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("Flamingo Chat"));
  createActions();
  setCentralWidget(createWelcome(modelDir));
  m_status = new QLabel(this);
  m_status->setText(modelDir.isEmpty() ? tr("No model loaded: no model is bundled yet.")
                                       : tr("Model: %1").arg(modelDir));
  statusBar()->addWidget(m_status, 1);
  resize(960, 640);
}

QString MainWindow::statusText() const { return m_status->text(); }

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
  quit->setShortcut(QKeySequence::Quit);
}

QWidget* MainWindow::createWelcome(const QString& modelDir) {
  auto* panel = new QWidget(this);
  auto* layout = new QVBoxLayout(panel);
  auto* title = new QLabel(tr("<h1>Flamingo Chat</h1>"), panel);
  auto* body = new QLabel(panel);
  body->setWordWrap(true);
  body->setText(modelDir.isEmpty()
                    ? tr("No model is bundled with this build yet, so there is nothing to chat "
                         "with. Convert a model with <tt>flamingo convert-llama2c</tt> and try it "
                         "with <tt>flamingo generate --model DIR</tt>.")
                    : tr("Model ready: %1").arg(modelDir));
  body->setObjectName("welcomeText");
  layout->addStretch();
  layout->addWidget(title, 0, Qt::AlignHCenter);
  layout->addWidget(body, 0, Qt::AlignHCenter);
  layout->addStretch();
  return panel;
}
