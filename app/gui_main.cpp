// `flamingo-chat`: the desktop application.
#include <QApplication>
#include <QCommandLineParser>

#include "core/paths.h"
#include "core/version.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("flamingo-chat");
  QApplication::setOrganizationName("Flamingo Chat");
  QApplication::setApplicationVersion(FLAMINGO_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Visual dialogue with Flamingo models"));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption modelOption("model", QApplication::translate("main", "Model directory to open."),
                                 "dir");
  QCommandLineOption quitOption("quit-after-start",
                                QApplication::translate("main", "Start, then quit (for checks)."));
  parser.addOption(modelOption);
  parser.addOption(quitOption);
  parser.process(app);

  QString modelDir = parser.value(modelOption);
  if (modelDir.isEmpty()) modelDir = QString::fromStdString(flamingo::bundled_model_dir());
  MainWindow window(modelDir);
  window.show();
  if (parser.isSet(quitOption)) return 0;
  return QApplication::exec();
}
