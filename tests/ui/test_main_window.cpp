// Qt Test, offscreen: the main window says plainly whether a model is loaded,
// takes dropped images and videos into the composer (and refuses anything else),
// restores the last chat, and follows the composer's keys.
#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QComboBox>
#include <QPushButton>
#include <QTableView>
#include <QTextBlock>
#include <QToolButton>
#include <QTranslator>
#include <QtTest>

#include "core/llama2c_import.h"
#include "test_media_fixtures.h"
#include "ui/chat_controller.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/composer_edit.h"
#include "ui/conversation_store.h"
#include "ui/few_shot_builder.h"
#include "ui/few_shot_row_model.h"
#include "core/paths.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"
#include "ui/message_widget.h"

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
    m_circle =
        fixtures::writeImage(dir, "circle.png", fixtures::drawShape(Qt::white, Qt::red, true));
    m_square =
        fixtures::writeImage(dir, "square.jpg", fixtures::drawShape(Qt::white, Qt::blue, false));
    m_clip = fixtures::writeAvi(dir, "clip.avi");
    m_notes = fixtures::writeText(dir, "notes.txt", "not a picture");
  }

  // With no model chosen the window opens the bundled one, and says so.
  void opensTheBundledModelByDefault() {
    const QString bundled = QString::fromStdString(flamingo::bundled_model_dir());
    QVERIFY2(!bundled.isEmpty(), "resources/models/flamingo-tiny is part of the source tree");
    QTemporaryDir data;
    MainWindow w{MainWindowOptions{QString(), data.path(), false}};
    QVERIFY2(w.statusText().contains("flamingo-tiny"), qPrintable(w.statusText()));
    QVERIFY(w.findChild<QLabel*>("welcomeText"));
  }

  void listsConvertedModelsFromTheModelsFolderByName() {
    // A converted model put into the models folder is offered under its config name.
    const QString dir = AppSettings::modelsFolder() + QStringLiteral("/of-3b");
    QVERIFY(QDir().mkpath(dir));
    QFile config(dir + QStringLiteral("/config.json"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"name": "OpenFlamingo-3B"})");
    config.close();
    QVERIFY(QDir().mkpath(AppSettings::modelsFolder() + QStringLiteral("/not-a-model")));
    const QStringList models = AppSettings{}.availableModels();
    QVERIFY2(models.contains(QDir::cleanPath(dir)), qPrintable(models.join(", ")));
    for (const QString& m : models) QVERIFY2(!m.endsWith("not-a-model"), qPrintable(m));
    QCOMPARE(AppSettings::modelName(dir), QStringLiteral("OpenFlamingo-3B"));
    QCOMPARE(AppSettings::modelName(m_media.path()), QFileInfo(m_media.path()).fileName());
    QVERIFY(QDir(AppSettings::modelsFolder()).removeRecursively());
  }

  void translationsAreEmbedded() {
    for (const auto& [lang, send] : {std::pair{"de", "Senden"}, std::pair{"zh_CN", "发送"}}) {
      QTranslator translator;
      QVERIFY2(translator.load(QLocale(lang), "flamingo-chat", "_", ":/i18n"), lang);
      QCOMPARE(translator.translate("Composer", "Send"), QString::fromUtf8(send));
      QVERIFY(!translator.translate("MainWindow", "No model loaded: no model is bundled yet.")
                   .isEmpty());
    }
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
    QCOMPARE(w.composer()->composedText(),
             QStringLiteral("<image>This is a dax.<image> What is this?"));
    // Cut and paste carries a chip to its new place (as dragging it in the text does).
    cursor.setPosition(0);
    cursor.setPosition(1, QTextCursor::KeepAnchor);
    edit->setTextCursor(cursor);
    edit->cut();
    cursor = edit->textCursor();
    cursor.movePosition(QTextCursor::End);
    edit->setTextCursor(cursor);
    edit->paste();
    QCOMPARE(w.composer()->composedText(),
             QStringLiteral("This is a dax.<image> What is this?<image>"));
    QCOMPARE(w.composer()->attachments().size(), 2);
    QCOMPARE(w.composer()->attachments()[1].path, m_circle);
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

  void answersStopsAndRegeneratesThroughTheWindow() {
    QTemporaryDir data, models;
    flamingo::Llama2cImportOptions o;
    o.weights_path = FLAMINGO_SHARED_DIR "/models/stories260K/stories260K.bin";
    o.tokenizer_path = FLAMINGO_SHARED_DIR "/models/stories260K/tok512.model";
    o.out_dir = models.filePath("stories260K").toStdString();
    flamingo::import_llama2c(o);
    QSettings().setValue("generation/temperature", 0.0);  // greedy: a long, known story
    MainWindow w{MainWindowOptions{models.filePath("stories260K"), data.path(), true}};
    QSettings().remove("generation/temperature");
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTRY_VERIFY_WITH_TIMEOUT(w.statusText().startsWith("Model: stories260K"), 30000);
    auto* stats = w.findChild<QLabel*>("generationStats");
    QVERIFY(stats);

    ComposerEdit* edit = w.composer()->edit();
    QTest::keyClicks(edit, "Once upon a time");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(w.composer()->composedText().isEmpty());  // sent, so the composer is empty again
    QTRY_VERIFY_WITH_TIMEOUT(!w.chat()->isGenerating(), 30000);
    QCOMPARE(w.chatView()->messageCount(), 2);
    QVERIFY(!w.chat()->current().messages[1].text.isEmpty());
    QVERIFY2(stats->text().contains("tok/s"), qPrintable(stats->text()));
    QCOMPARE(w.chat()->current().title, QStringLiteral("Once upon a time"));

    // Esc stops the reply; what came so far stays, marked as stopped.
    QTest::keyClicks(edit, " Then");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(w.chat()->isGenerating());
    QTest::keyClick(&w, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!w.chat()->isGenerating(), 30000);
    QVERIFY(w.chat()->current().messages.last().cancelled);
    QVERIFY2(stats->text().startsWith("Stopped"), qPrintable(stats->text()));

    // Regenerate sits on the last reply and asks again.
    QToolButton* regenerate = nullptr;
    for (auto* b : w.chatView()->messageAt(3)->findChildren<QToolButton*>())
      if (b->text() == "Regenerate") regenerate = b;
    QVERIFY(regenerate && regenerate->isVisibleTo(w.chatView()->messageAt(3)));
    regenerate->click();
    QVERIFY(w.chat()->isGenerating());
    QTRY_VERIFY_WITH_TIMEOUT(!w.chat()->isGenerating(), 30000);
    QCOMPARE(w.chatView()->messageCount(), 4);
    QVERIFY(!w.chat()->current().messages.last().cancelled);
  }

  void builderMakesRowsFromDropsAndReorders() {
    FewShotBuilder builder;
    builder.show();
    QSignalSpy refused(&builder, &FewShotBuilder::refused);
    QVERIFY(dropFiles(&builder, {m_circle, m_notes, m_square}));  // several files, several rows
    QCOMPARE(refused.size(), 1);
    QVERIFY(refused.at(0).at(0).toString().contains("notes.txt"));
    QCOMPARE(builder.recipe().rows().size(), 2);
    auto* model = builder.table()->model();
    model->setData(model->index(0, FewShotRowModel::AnswerColumn), "dax");
    model->setData(model->index(1, FewShotRowModel::AnswerColumn), "blicket");
    QVERIFY(builder.setQueryMedia(m_clip));
    QCOMPARE(builder.recipe().build().mediaPaths, (QStringList{m_circle, m_square, m_clip}));
    // Dragging the first row below the second, as the table view does it.
    std::unique_ptr<QMimeData> drag(model->mimeData({model->index(0, 0)}));
    model->dropMimeData(drag.get(), Qt::MoveAction, 2, 0, {});
    QCOMPARE(builder.recipe().build().mediaPaths, (QStringList{m_square, m_circle, m_clip}));
    QVERIFY(builder.previewText().startsWith(
        "<image>Output: blicket<|endofchunk|><image>Output: dax<|endofchunk|><image>Output:"));
    QSignalSpy run(&builder, &FewShotBuilder::runRequested);
    QPushButton* button = nullptr;
    for (auto* b : builder.findChildren<QPushButton*>())
      if (b->text() == "Run") button = b;
    QVERIFY(button && button->isEnabled());
    button->click();
    QCOMPARE(run.size(), 1);
    QCOMPARE(run.at(0).at(0).value<FewShotPrompt>().mediaPaths.size(), 3);
  }

  void settingsDialogKeepsWhatItIsGiven() {
    AppSettings in;
    in.modelDirs = {"/models/a", "/models/b"};
    in.load.threads = 3;
    in.generation.temperature = 0.25;
    in.generation.topK = 7;
    in.generation.maxNewTokens = 99;
    in.generation.videoFps = 2.0;
    in.generation.maxFrames = 4;
    in.language = "de";
    SettingsDialog dialog(in);
    const AppSettings out = dialog.settings();
    QCOMPARE(out.modelDirs, in.modelDirs);
    QCOMPARE(out.load.threads, 3);
    QCOMPARE(out.load.device, QStringLiteral("cpu"));
    QCOMPARE(out.generation.temperature, 0.25);
    QCOMPARE(out.generation.topK, 7);
    QCOMPARE(out.generation.maxNewTokens, 99);
    QCOMPARE(out.generation.videoFps, 2.0);
    QCOMPARE(out.generation.maxFrames, 4);
    QCOMPARE(out.language, QStringLiteral("de"));
    // CUDA is listed but greyed out: this LibTorch has none.
    auto* device = dialog.findChild<QComboBox*>("device");
    QVERIFY(device);
    const int cuda = device->findData("cuda");
    QVERIFY(cuda >= 0);
    QVERIFY(!(device->model()->flags(device->model()->index(cuda, 0)) & Qt::ItemIsEnabled));
    // Written and read back through QSettings (test mode: never the user's).
    out.write();
    QCOMPARE(AppSettings::read().generation.topK, 7);
    AppSettings{}.write();
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
    m_circle = fixtures::writeImage(QDir(m_media.path()), "circle.png",
                                    fixtures::drawShape(Qt::white, Qt::red, true));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
