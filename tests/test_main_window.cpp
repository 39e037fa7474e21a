// Qt Test, offscreen: the main window says plainly whether a model is loaded.
#include <QLabel>
#include <QtTest>

#include "ui/main_window.h"

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void saysWhenNoModelIsBundled() {
    MainWindow w{QString()};
    QVERIFY(w.statusText().contains("no model is bundled yet"));
    auto* text = w.findChild<QLabel*>("welcomeText");
    QVERIFY(text);
    QVERIFY(text->text().contains("No model is bundled"));
  }

  void namesTheModelItOpened() {
    MainWindow w{QStringLiteral("/models/tiny")};
    QCOMPARE(w.statusText(), QStringLiteral("Model: /models/tiny"));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
