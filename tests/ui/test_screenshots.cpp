// Renders the main window with a sample conversation (text, two images, one video),
// the few-shot builder and the welcome panel to PNG at fixed sizes. With
// FLAMINGO_UPDATE_SCREENSHOTS=1 they go to docs/screenshots/, otherwise into the
// build directory. Each must be a real picture, not a blank one.
#include <QDockWidget>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "test_media_fixtures.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/conversation_store.h"
#include "ui/few_shot_builder.h"
#include "ui/main_window.h"
#include "ui/media_thumbnail.h"
#include "ui/thumbnail_cache.h"

namespace {

QString outputDir() {
  const QString dir = qgetenv("FLAMINGO_UPDATE_SCREENSHOTS") == "1"
                          ? QStringLiteral(FLAMINGO_SOURCE_DIR "/docs/screenshots")
                          : QCoreApplication::applicationDirPath() + QStringLiteral("/screenshots");
  QDir().mkpath(dir);
  return dir;
}

// Not blank: many colours, and no single colour covers almost everything.
void verifyNotBlank(const QImage& image) {
  QVERIFY(!image.isNull());
  QHash<QRgb, int> counts;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3) ++counts[image.pixel(x, y)];
  int most = 0;
  for (int n : counts) most = qMax(most, n);
  const int samples = ((image.width() + 2) / 3) * ((image.height() + 2) / 3);
  QVERIFY2(counts.size() > 50, qPrintable(QString("only %1 colours").arg(counts.size())));
  QVERIFY2(most < samples * 0.9, "one colour covers nearly the whole picture");
}

// Thumbnails decode on a pool thread: wait until every one on screen is in.
bool thumbnailsReady(QWidget* root) {
  if (ThumbnailCache::instance()->pending() > 0) return false;
  for (auto* t : root->findChildren<MediaThumbnail*>())
    if (!t->isLoaded()) return false;
  return true;
}

void save(QWidget* widget, const QString& name) {
  QTRY_VERIFY_WITH_TIMEOUT(thumbnailsReady(widget), 20000);
  QTest::qWait(100);  // the last layouts and repaints
  const QImage image = widget->grab().toImage();
  verifyNotBlank(image);
  const QString path = outputDir() + QLatin1Char('/') + name;
  QVERIFY(image.save(path));
  qInfo("wrote %s", qPrintable(path));
}

}  // namespace

class TestScreenshots : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_media;
  QString m_circle, m_square, m_triangle, m_clip;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setStyle(QStringLiteral("Fusion"));  // the same look on every machine
    const QDir dir(m_media.path());
    m_circle = fixtures::writeImage(
        dir, "dax.png", fixtures::drawShape(QColor(255, 244, 214), QColor(222, 76, 60), true));
    m_square = fixtures::writeImage(
        dir, "blicket.png",
        fixtures::drawShape(QColor(222, 238, 255), QColor(46, 110, 200), false));
    m_triangle = fixtures::writeImage(
        dir, "query.png",
        fixtures::drawShape(QColor(228, 247, 228), QColor(222, 76, 60), true, {320, 240}, 4));
    m_clip = fixtures::writeAvi(dir, "rolling.avi", 6, 2, {320, 240});
  }

  void mainWindow() {
    QTemporaryDir data;
    {
      ConversationStore store(data.path());
      Conversation c = Conversation::create("Dax or blicket?");
      Message user;
      user.text =
          "<image>This is a dax.<image>This is a blicket.\n<image>What is rolling in this clip?";
      for (const QString& path : {m_circle, m_square, m_clip})
        user.media.append(*store.importMedia(path));
      Message reply;
      reply.role = Message::Role::Assistant;
      reply.text = "A **dax**: the red circle rolls from left to right.";
      Message follow;
      follow.text = "How many frames did you look at?";
      Message answer;
      answer.role = Message::Role::Assistant;
      answer.text = "Three frames, one a second.";
      c.messages = {user, reply, follow, answer};
      QVERIFY(store.save(c));
      QVERIFY(store.save(Conversation::create("Captions of holiday photos")));
      QVERIFY(store.save(Conversation::create("Counting birds")));
      store.setLastOpenId(c.id);
    }
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    w.chatView()->setModelName(QStringLiteral("Flamingo"));
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.composer()->setComposed("Is this one a dax too? <image>", {{m_triangle, "query.png", false}});
    save(&w, QStringLiteral("main-window.png"));
    QCOMPARE(w.grab().size(), QSize(1200, 800));
  }

  void fewShotBuilder() {
    FewShotBuilder builder;
    builder.resize(720, 760);
    builder.show();
    QVERIFY(QTest::qWaitForWindowExposed(&builder));
    QCOMPARE(builder.addExampleFiles({m_circle, m_square}), 2);
    FewShotRecipe recipe = builder.recipe();
    recipe.rows()[0].answer = "dax";
    recipe.rows()[1].answer = "blicket";
    builder.setRecipe(recipe);
    QVERIFY(builder.setQueryMedia(m_triangle));
    QVERIFY(
        builder.previewText().startsWith("<image>Output: dax<|endofchunk|><image>Output: blicket"));
    save(&builder, QStringLiteral("few-shot-builder.png"));
  }

  void welcome() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), true}};
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    save(&w, QStringLiteral("welcome.png"));
  }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
