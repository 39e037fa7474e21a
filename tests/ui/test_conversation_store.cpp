// Conversations survive a restart, the deletion of the original media, and a save
// interrupted half-way.
#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include "test_media_fixtures.h"
#include "ui/conversation_exporter.h"
#include "ui/conversation_store.h"

namespace {

QByteArray sha256(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

}  // namespace

class TestConversationStore : public QObject {
  Q_OBJECT

 private slots:
  void roundTripSurvivesDeletedOriginals() {
    QTemporaryDir data, originals;
    const QDir src(originals.path());
    const QString red =
        fixtures::writeImage(src, "red.png", fixtures::drawShape(Qt::white, Qt::red, true));
    const QString blue =
        fixtures::writeImage(src, "blue.png", fixtures::drawShape(Qt::white, Qt::blue, false));
    const QString clip = fixtures::writeAvi(src, "clip.avi");
    QVERIFY(!red.isEmpty() && !blue.isEmpty() && !clip.isEmpty());

    Conversation c = Conversation::create("Shapes");
    {
      ConversationStore store(data.path());
      Message user;
      user.text = "<image><image>Two shapes. And a clip: <image> What moves?";
      for (const QString& path : {red, blue, clip}) {
        const auto ref = store.importMedia(path);
        QVERIFY(ref);
        user.media.append(*ref);
      }
      QCOMPARE(user.media[2].video, true);
      QCOMPARE(user.media[0].name, QStringLiteral("red.png"));
      // Named by content: the SHA-256 of the bytes.
      QCOMPARE(QFileInfo(user.media[0].path).completeBaseName().toLatin1(), sha256(red));
      Message reply;
      reply.role = Message::Role::Assistant;
      reply.text = "The **circle** moves.";
      reply.cancelled = true;
      c.messages = {user, reply};
      QVERIFY(store.save(c));
      store.setLastOpenId(c.id);
    }
    QVERIFY(QFile::remove(red) && QFile::remove(blue) && QFile::remove(clip));

    ConversationStore reopened(data.path());
    QStringList problems;
    const QList<Conversation> all = reopened.loadAll(&problems);
    QVERIFY(problems.isEmpty());
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0].id, c.id);
    QCOMPARE(all[0].title, QStringLiteral("Shapes"));
    QCOMPARE(all[0].created, c.created);
    QVERIFY(all[0].messages == c.messages);
    for (const MediaRef& m : all[0].messages[0].media)
      QVERIFY2(QFileInfo::exists(m.path), qPrintable(m.path));
    QCOMPARE(reopened.lastOpenId(), c.id);
  }

  void sameContentIsStoredOnce() {
    QTemporaryDir data, originals;
    const QImage image = fixtures::drawShape(Qt::white, Qt::green, true);
    const QString a = fixtures::writeImage(QDir(originals.path()), "a.png", image);
    const QString b = fixtures::writeImage(QDir(originals.path()), "b.png", image);
    ConversationStore store(data.path());
    const auto ra = store.importMedia(a), rb = store.importMedia(b);
    QVERIFY(ra && rb);
    QCOMPARE(ra->path, rb->path);
    QCOMPARE(QDir(store.mediaDir()).entryList(QDir::Files).size(), 1);
  }

  void refusesFilesThatAreNotMedia() {
    QTemporaryDir data, originals;
    const QString notes = fixtures::writeText(QDir(originals.path()), "notes.txt", "hello");
    ConversationStore store(data.path());
    QString error;
    QVERIFY(!store.importMedia(notes, &error));
    QVERIFY(error.contains("notes.txt"));
    QVERIFY(!store.importMedia(originals.filePath("missing.png"), &error));
    QVERIFY(QDir(store.mediaDir()).isEmpty());
  }

  void interruptedSaveLeavesThePreviousFile() {
    QTemporaryDir data;
    ConversationStore store(data.path());
    Conversation c = Conversation::create("Before");
    Message m;
    m.text = "first version";
    c.messages = {m};
    QVERIFY(store.save(c));
    const QString path = data.filePath("conversations/" + c.id + ".json");
    QFile before(path);
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray saved = before.readAll();
    before.close();

    c.title = "After";
    c.messages[0].text = QString(10000, QLatin1Char('x'));
    store.setInterruptWritesForTesting(true);
    QString error;
    QVERIFY(!store.save(c, &error));
    QVERIFY(!error.isEmpty());

    QFile after(path);
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), saved);
    // No half-written temporary file is left beside it.
    QCOMPARE(QDir(data.filePath("conversations")).entryList(QDir::Files).size(), 1);
    store.setInterruptWritesForTesting(false);
    const auto all = store.loadAll();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0].title, QStringLiteral("Before"));
  }

  void skipsUnreadableFilesAndNamesThem() {
    QTemporaryDir data;
    ConversationStore store(data.path());
    QVERIFY(store.save(Conversation::create("Good")));
    fixtures::writeText(QDir(data.filePath("conversations")), "broken.json", "{\"id\": ");
    QStringList problems;
    QCOMPARE(store.loadAll(&problems).size(), 1);
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems[0].contains("broken.json"));
  }

  void exportsMarkdownAndHtmlWithTheirImages() {
    QTemporaryDir data, originals, out;
    const QDir src(originals.path());
    ConversationStore store(data.path());
    Conversation c = Conversation::create("Shapes & clips");
    Message user;
    user.text = "<image>What is this? <image>";
    user.media = {*store.importMedia(fixtures::writeImage(
                      src, "red.png", fixtures::drawShape(Qt::white, Qt::red, true))),
                  *store.importMedia(fixtures::writeAvi(src, "clip.avi"))};
    Message reply;
    reply.role = Message::Role::Assistant;
    reply.text = "A **red** circle.";
    c.messages = {user, reply};

    const QString md = out.filePath("chat.md");
    QVERIFY(ConversationExporter::writeMarkdown(c, md));
    QFile mdFile(md);
    QVERIFY(mdFile.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(mdFile.readAll());
    const QString image = QFileInfo(user.media[0].path).fileName();
    QVERIFY2(markdown.contains("![red.png](chat_media/" + image + ")"), qPrintable(markdown));
    QVERIFY(markdown.contains("[▶ clip.avi](chat_media/"));
    QVERIFY(markdown.contains("A **red** circle."));
    QVERIFY(QFileInfo::exists(out.filePath("chat_media/" + image)));

    const QString html = out.filePath("chat.html");
    QVERIFY(ConversationExporter::writeHtml(c, html));
    QFile htmlFile(html);
    QVERIFY(htmlFile.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(htmlFile.readAll());
    QVERIFY(page.contains("<title>Shapes &amp; clips</title>"));
    QVERIFY(page.contains("src=\"data:image/png;base64,"));
    QVERIFY(page.contains("<b>red</b>") || page.contains("font-weight:700"));
    QVERIFY(page.contains("chat_media/"));  // the clip, linked beside the page
  }

  void deletingAChatDropsMediaNoOtherChatUses() {
    QTemporaryDir data, originals;
    const QDir src(originals.path());
    ConversationStore store(data.path());
    const auto shared = store.importMedia(
        fixtures::writeImage(src, "s.png", fixtures::drawShape(Qt::white, Qt::red, true)));
    const auto only = store.importMedia(
        fixtures::writeImage(src, "o.png", fixtures::drawShape(Qt::white, Qt::blue, true)));
    QVERIFY(shared && only);
    Conversation kept = Conversation::create("kept");
    Message m;
    m.text = "<image>";
    m.media = {*shared};
    kept.messages = {m};
    store.removeUnreferencedMedia({kept});
    QVERIFY(QFileInfo::exists(shared->path));
    QVERIFY(!QFileInfo::exists(only->path));
  }
};

QTEST_MAIN(TestConversationStore)
#include "test_conversation_store.moc"
