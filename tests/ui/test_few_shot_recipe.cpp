// The few-shot recipe builds the exact interleaved prompt, media in marker order,
// and round-trips through its JSON file.
#include <QTemporaryDir>
#include <QtTest>

#include "ui/few_shot_recipe.h"

class TestFewShotRecipe : public QObject {
  Q_OBJECT

 private slots:
  void captioningExamplesThenQuery() {
    FewShotRecipe r;
    r.rows() = {{"/m/a.png", {}, "dax"}, {"/m/b.png", {}, " blicket "}};
    r.query() = {"/m/q.png", {}, "ignored"};
    const FewShotPrompt p = r.build();
    QCOMPARE(p.text, QStringLiteral("<image>Output: dax<|endofchunk|>"
                                    "<image>Output: blicket<|endofchunk|>"
                                    "<image>Output:"));
    QCOMPARE(p.mediaPaths, (QStringList{"/m/a.png", "/m/b.png", "/m/q.png"}));
    QVERIFY(r.problem().isEmpty());
  }

  void vqaFillsQuestionsAndCutsBeforeTheAnswer() {
    FewShotRecipe r;
    r.setKind(FewShotRecipe::Kind::Vqa);
    r.rows() = {{"/m/1.avi", "what moves?", "ball"}};
    r.query() = {"/m/2.png", "what colour is it?", {}};
    const FewShotPrompt p = r.build();
    QCOMPARE(p.text, QStringLiteral("<image>Question: what moves? Short answer: ball<|endofchunk|>"
                                    "<image>Question: what colour is it? Short answer:"));
    QCOMPARE(p.mediaPaths, (QStringList{"/m/1.avi", "/m/2.png"}));
  }

  void customTemplateAndRowsWithoutMedia() {
    FewShotRecipe r;
    r.setKind(FewShotRecipe::Kind::Custom);
    r.setCustomTemplate("{question} <image> -> {answer}\n");
    r.rows() = {{{}, "2+2", "4"}, {"/m/x.png", "shape", "circle"}};
    r.query() = {"/m/y.png", "shape", {}};
    const FewShotPrompt p = r.build();
    QCOMPARE(p.text, QStringLiteral("2+2  -> 4\nshape <image> -> circle\nshape <image> ->"));
    QCOMPARE(p.mediaPaths, (QStringList{"/m/x.png", "/m/y.png"}));
  }

  void explainsWhatIsMissing() {
    FewShotRecipe r;
    QVERIFY(r.problem().contains("query"));
    r.setKind(FewShotRecipe::Kind::Custom);
    r.setCustomTemplate("<image>{question}");
    r.query() = {"/m/q.png", "why?", {}};
    QVERIFY(r.problem().contains("{answer}"));
  }

  void roundTripsThroughJsonFile() {
    QTemporaryDir dir;
    FewShotRecipe r;
    r.setKind(FewShotRecipe::Kind::Vqa);
    r.rows() = {{dir.filePath("media/a.png"), "q1", "a1"}, {"/elsewhere/b.mp4", "q2", "a2"}};
    r.query() = {dir.filePath("q.png"), "q3", {}};
    const QString path = dir.filePath("recipe.json");
    QVERIFY(r.save(path));
    // Media beside the recipe are stored relative to it.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("\"media/a.png\""));
    FewShotRecipe back;
    QVERIFY(FewShotRecipe::load(path, &back));
    QCOMPARE(back.rows().size(), 2);
    QCOMPARE(back.rows()[1].mediaPath, QStringLiteral("/elsewhere/b.mp4"));
    QVERIFY(back == r);
    QCOMPARE(back.build().text, r.build().text);
  }

  void refusesFilesThatAreNotRecipes() {
    QTemporaryDir dir;
    QFile f(dir.filePath("x.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[1, 2]");
    f.close();
    FewShotRecipe r;
    QString error;
    QVERIFY(!FewShotRecipe::load(f.fileName(), &r, &error));
    QVERIFY(error.contains("not a few-shot recipe"));
  }
};

QTEST_GUILESS_MAIN(TestFewShotRecipe)
#include "test_few_shot_recipe.moc"
