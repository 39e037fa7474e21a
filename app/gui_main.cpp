// `flamingo-chat`: the desktop application.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

#include "core/paths.h"
#include "core/version.h"
#include "ui/app_settings.h"
#include "ui/composer.h"
#include "ui/main_window.h"

namespace {

// The language from the settings, or else the system's; English needs no file.
void installTranslations(QApplication& app) {
  const QString chosen = AppSettings::read().language;
  const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
  auto* own = new QTranslator(&app);
  if (own->load(locale, QStringLiteral("flamingo-chat"), QStringLiteral("_"),
                QStringLiteral(":/i18n")))
    QApplication::installTranslator(own);
  // Qt's own dialogs (file chooser, buttons), where Debian ships their translations.
  auto* qt = new QTranslator(&app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    QApplication::installTranslator(qt);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("flamingo-chat");
  QApplication::setOrganizationName("Flamingo Chat");
  QApplication::setApplicationDisplayName("Flamingo Chat");
  QApplication::setApplicationVersion(FLAMINGO_VERSION);
  // Matches the installed .desktop entry, so Wayland shells show its name and icon.
  QGuiApplication::setDesktopFileName(QStringLiteral("io.github.flamingochat.FlamingoChat"));
  // The desktop theme's icon when one is installed, else the built-in one.
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("flamingo-chat"),
                                               QIcon(QStringLiteral(":/icons/flamingo-chat.png"))));
  installTranslations(app);

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QApplication::translate("main", "Visual dialogue with Flamingo models"));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption modelOption(
      "model", QApplication::translate("main", "Model directory to open."), "dir");
  QCommandLineOption quitOption("quit-after-start",
                                QApplication::translate("main", "Start, then quit (for checks)."));
  parser.addOption(modelOption);
  parser.addOption(quitOption);
  parser.addPositionalArgument(
      "files", QApplication::translate("main", "Images or videos to attach to a new message."),
      "[files...]");
  parser.process(app);

  MainWindow window(parser.value(modelOption));
  window.show();
  // "Open with Flamingo Chat" from a file manager: the files wait in the composer.
  QStringList files;
  for (const QString& f : parser.positionalArguments()) files << QFileInfo(f).absoluteFilePath();
  if (!files.isEmpty()) window.composer()->addFiles(files);
  // Quit from the event loop, so that start-up runs as it does for a user.
  if (parser.isSet(quitOption)) QTimer::singleShot(0, &app, &QApplication::quit);
  return QApplication::exec();
}
