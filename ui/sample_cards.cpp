#include "ui/sample_cards.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/paths.h"

QString SampleCards::samplesDir() {
  const QString exe = QString::fromStdString(flamingo::executable_dir());
  QStringList candidates{exe + QStringLiteral("/../share/flamingo-chat/samples")};
#ifdef FLAMINGO_SOURCE_DIR
  candidates << QStringLiteral(FLAMINGO_SOURCE_DIR "/resources/samples");
#endif
  for (const QString& dir : candidates)
    if (QFileInfo::exists(dir + QStringLiteral("/samples.json"))) return QDir::cleanPath(dir);
  return {};
}

QList<SampleCard> SampleCards::load(const QString& dir) {
  QList<SampleCard> cards;
  QFile file(dir + QStringLiteral("/samples.json"));
  if (dir.isEmpty() || !file.open(QIODevice::ReadOnly)) return builtIn();
  const QDir base(dir);
  const QJsonArray list =
      QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cards")).toArray();
  for (const auto& v : list) {
    const QJsonObject o = v.toObject();
    SampleCard c;
    c.title = o.value(QStringLiteral("title")).toString();
    c.description = o.value(QStringLiteral("description")).toString();
    c.action = o.value(QStringLiteral("action")).toString() == QLatin1String("builder")
                   ? SampleCard::Action::Builder
                   : SampleCard::Action::Chat;
    c.text = o.value(QStringLiteral("text")).toString();
    for (const auto& m : o.value(QStringLiteral("media")).toArray())
      c.media << base.absoluteFilePath(m.toString());
    const QString recipe = o.value(QStringLiteral("recipe")).toString();
    if (!recipe.isEmpty()) c.recipe = base.absoluteFilePath(recipe);
    c.templateName = o.value(QStringLiteral("template")).toString();
    if (!c.title.isEmpty()) cards.append(c);
  }
  return cards.isEmpty() ? builtIn() : cards;
}

QList<SampleCard> SampleCards::builtIn() {
  SampleCard caption;
  caption.title = tr("Describe a picture");
  caption.description =
      tr("Attach a photo, then send. The model writes a caption after "
         "\"Output:\".");
  caption.text = QStringLiteral("<image>Output:");
  SampleCard question;
  question.title = tr("Ask about a picture");
  question.description = tr("Attach a picture and ask a short question about it.");
  question.text = QStringLiteral("<image>Question: What is in this picture? Short answer:");
  SampleCard fewShot;
  fewShot.title = tr("Teach a new word");
  fewShot.description =
      tr("Show two pictures with their names, say a \"dax\" and a \"blicket\", "
         "then ask about a third. Examples before a question teach the "
         "model a new task.");
  fewShot.action = SampleCard::Action::Builder;
  fewShot.templateName = QStringLiteral("captioning");
  return {caption, question, fewShot};
}
