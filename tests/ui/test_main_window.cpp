// Qt Test, offscreen: the main window says plainly whether a model is loaded,
// takes dropped images and videos into the composer (and refuses anything else),
// restores the last chat, and follows the composer's keys.
#include <QLabel>
#include <QMimeData>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QtTest>

#include "test_media_fixtures.h"
#include "ui/chat_controller.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/composer_edit.h"
#include "ui/conversation_store.h"
#include "ui/main_window.h"

namespace {

// Sends a drag-enter and a drop of `files` to `target`, as a drag from a file manager does.
bool dropFiles(QWidget* target, const QStringList& files) {
  QMimeData data;
  QList<QUrl> urls;
  for (const QString& f : files) urls << QUrl::fromLocalFile(f);
  data.setUrls(urls);
  const QPoint pos = target->rect().center();
  QDragEnterEvent enter(pos, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(pos, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_media;
  QString m_circle, m_square, m_clip, m_notes;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // never the user's settings
    const QDir dir(m_media.path());
    m_circle = fixtures::writeImage(dir, "circle.png", fixtures::drawShape(Qt::white, Qt::red, true));
    m_square = fixtures::writeImage(dir, "square.jpg", fixtures::drawShape(Qt::white, Qt::blue, false));
    m_clip = fixtures::writeAvi(dir, "clip.avi");
    m_notes = fixtures::writeText(dir, "notes.txt", "not a picture");
  }

  void saysWhenNoModelIsBundled() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), true}};
    QVERIFY(w.statusText().contains("no model is bundled yet"));
    auto* text = w.findChild<QLabel*>("welcomeText");
    QVERIFY(text);
    QVERIFY(text->text().contains("No model is bundled"));
  }

  void saysWhenTheModelCannotBeLoaded() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QStringLiteral("/models/tiny"), data.path(), true}};
    QVERIFY(w.statusText().contains("/models/tiny"));
    QTRY_VERIFY(w.statusText().contains("could not be loaded"));
    QVERIFY(w.messageText().contains("config.json"));
  }

  void dropAddsImagesAndVideosInOrder() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    w.show();
    QVERIFY(dropFiles(&w, {m_circle, m_clip, m_square}));
    const QList<MediaRef> attached = w.composer()->attachments();
    QCOMPARE(attached.size(), 3);
    QCOMPARE(attached[0].path, m_circle);
    QCOMPARE(attached[0].video, false);
    QCOMPARE(attached[1].path, m_clip);
    QCOMPARE(attached[1].video, true);
    QCOMPARE(attached[2].path, m_square);
    QCOMPARE(w.composer()->composedText(), QStringLiteral("<image><image><image>"));
    QVERIFY(w.messageText().isEmpty());
    // Each chip is removable; the marker goes with it.
    w.composer()->edit()->removeAttachment(1);
    QCOMPARE(w.composer()->attachments().size(), 2);
    QCOMPARE(w.composer()->composedText(), QStringLiteral("<image><image>"));
  }

  void dropOfATextFileIsRefusedAndChangesNothing() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    w.show();
    QVERIFY(dropFiles(&w, {m_circle}));
    QTest::keyClicks(w.composer()->edit(), "What is this?");
    const QString before = w.composer()->composedText();
    QVERIFY(dropFiles(&w, {m_notes}));
    QCOMPARE(w.composer()->composedText(), before);
    QCOMPARE(w.composer()->attachments().size(), 1);
    QVERIFY2(w.messageText().contains("notes.txt"), qPrintable(w.messageText()));
    QVERIFY(w.messageText().contains("not an image or a video"));
    // A file that has gone is refused too.
    QVERIFY(dropFiles(&w, {m_media.filePath("gone.png")}));
    QVERIFY(w.messageText().contains("gone.png"));
    QCOMPARE(w.composer()->attachments().size(), 1);
  }

  void chipsSitWhereTheCursorWas() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    ComposerEdit* edit = w.composer()->edit();
    QTest::keyClicks(edit, "This is a dax. What is this?");
    QTextCursor cursor = edit->textCursor();
    cursor.setPosition(0);
    edit->setTextCursor(cursor);
    w.composer()->addFiles({m_circle});
    cursor.setPosition(QString("XThis is a dax.").size());  // X: the first chip
    edit->setTextCursor(cursor);
    w.composer()->addFiles({m_square});
    QCOMPARE(w.composer()->composedText(), QStringLiteral("<image>This is a dax.<image> What is this?"));
  }

  void enterSendsShiftEnterBreaksTheLine() {
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    ComposerEdit* edit = w.composer()->edit();
    QSignalSpy send(w.composer(), &Composer::sendRequested);
    QTest::keyClicks(edit, "one");
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(edit, "two");
    QCOMPARE(send.size(), 0);
    QCOMPARE(w.composer()->composedText(), QStringLiteral("one\ntwo"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(send.size(), 1);
    QCOMPARE(send.at(0).at(0).toString(), QStringLiteral("one\ntwo"));
    // Without a model the message is not sent, and the window says why.
    QVERIFY(w.messageText().contains("No model"));
    QCOMPARE(w.composer()->composedText(), QStringLiteral("one\ntwo"));
  }

  void restoresTheLastChatAndUpEditsItsLastMessage() {
    QTemporaryDir data;
    Conversation c = Conversation::create("Shapes");
    {
      ConversationStore store(data.path());
      Message user;
      user.text = "<image>What is this?";
      user.media = {*store.importMedia(m_circle)};
      Message reply;
      reply.role = Message::Role::Assistant;
      reply.text = "A red **circle**.";
      c.messages = {user, reply};
      QVERIFY(store.save(c));
      QVERIFY(store.save(Conversation::create("Other")));
      store.setLastOpenId(c.id);
    }
    QVERIFY(QFile::remove(m_circle));  // the chat keeps its own copy
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    QCOMPARE(w.chat()->current().id, c.id);
    QCOMPARE(w.chatView()->messageCount(), 2);
    QTest::keyClick(w.composer()->edit(), Qt::Key_Up);
    QCOMPARE(w.composer()->editIndex(), 0);
    QCOMPARE(w.composer()->composedText(), QStringLiteral("<image>What is this?"));
    QCOMPARE(w.composer()->attachments().size(), 1);
    QVERIFY(QFileInfo::exists(w.composer()->attachments()[0].path));
    m_circle = fixtures::writeImage(QDir(m_media.path()), "circle.png", fixtures::drawShape(Qt::white, Qt::red, true));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
