#include "ui/few_shot_recipe.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "ui/conversation.h"

namespace {

const QString kAnswer = QStringLiteral("{answer}");
const QString kQuestion = QStringLiteral("{question}");

QString kindName(FewShotRecipe::Kind kind) {
  switch (kind) {
    case FewShotRecipe::Kind::Captioning:
      return QStringLiteral("captioning");
    case FewShotRecipe::Kind::Vqa:
      return QStringLiteral("vqa");
    case FewShotRecipe::Kind::Custom:
      return QStringLiteral("custom");
  }
  return {};
}

QString fill(QString text, const FewShotRow& row) {
  text.replace(kQuestion, row.question.trimmed());
  // A row without media reads no <image> marker (the template's one is dropped).
  if (row.mediaPath.isEmpty()) text.remove(kImageMarker);
  return text;
}

QJsonObject rowToJson(const FewShotRow& row, const QDir& base, bool withAnswer) {
  QJsonObject o{{QStringLiteral("media"),
                 row.mediaPath.isEmpty() ? QString() : base.relativeFilePath(row.mediaPath)},
                {QStringLiteral("question"), row.question}};
  if (withAnswer) o[QStringLiteral("answer")] = row.answer;
  return o;
}

FewShotRow rowFromJson(const QJsonObject& o, const QDir& base) {
  const QString media = o.value(QStringLiteral("media")).toString();
  return {media.isEmpty() ? QString() : QDir::cleanPath(base.absoluteFilePath(media)),
          o.value(QStringLiteral("question")).toString(),
          o.value(QStringLiteral("answer")).toString()};
}

}  // namespace

QString FewShotRecipe::builtInTemplate(Kind kind) {
  switch (kind) {
    case Kind::Captioning:
      return QStringLiteral("<image>Output: {answer}<|endofchunk|>");
    case Kind::Vqa:
      return QStringLiteral("<image>Question: {question} Short answer: {answer}<|endofchunk|>");
    case Kind::Custom:
      break;
  }
  return {};
}

QString FewShotRecipe::exampleTemplate() const {
  return m_kind == Kind::Custom ? m_customTemplate : builtInTemplate(m_kind);
}

FewShotPrompt FewShotRecipe::build() const {
  const QString tmpl = exampleTemplate();
  FewShotPrompt prompt;
  for (const FewShotRow& row : m_rows) {
    QString example = fill(tmpl, row);
    example.replace(kAnswer, row.answer.trimmed());
    prompt.text += example;
    if (!row.mediaPath.isEmpty() && tmpl.contains(kImageMarker)) prompt.mediaPaths << row.mediaPath;
  }
  // The query stops where its answer would start; the space before {answer} is left
  // out, as the model's tokenizer attaches it to the answer's first word.
  const int cut = tmpl.indexOf(kAnswer);
  prompt.text += fill(cut >= 0 ? tmpl.left(cut) : tmpl, m_query).trimmed();
  if (!m_query.mediaPath.isEmpty() && tmpl.contains(kImageMarker))
    prompt.mediaPaths << m_query.mediaPath;
  return prompt;
}

QString FewShotRecipe::problem() const {
  const QString tmpl = exampleTemplate();
  if (!tmpl.contains(kAnswer)) return tr("The template needs an {answer} placeholder.");
  if (tmpl.count(kImageMarker) > 1) return tr("The template may hold at most one <image>.");
  if (m_query.mediaPath.isEmpty() && m_query.question.trimmed().isEmpty())
    return tr("Add the query: the image or clip the model should answer about.");
  if (tmpl.contains(kQuestion) && m_query.question.trimmed().isEmpty())
    return tr("Type the question of the query.");
  return {};
}

QJsonObject FewShotRecipe::toJson(const QString& baseDir) const {
  const QDir base(baseDir);
  QJsonArray rows;
  for (const auto& row : m_rows) rows.append(rowToJson(row, base, true));
  return {{QStringLiteral("format"), 1},
          {QStringLiteral("template"), kindName(m_kind)},
          {QStringLiteral("customTemplate"), m_customTemplate},
          {QStringLiteral("examples"), rows},
          {QStringLiteral("query"), rowToJson(m_query, base, false)}};
}

FewShotRecipe FewShotRecipe::fromJson(const QJsonObject& json, const QString& baseDir) {
  const QDir base(baseDir);
  FewShotRecipe r;
  const QString kind = json.value(QStringLiteral("template")).toString();
  r.m_kind = kind == QLatin1String("vqa")      ? Kind::Vqa
             : kind == QLatin1String("custom") ? Kind::Custom
                                               : Kind::Captioning;
  r.m_customTemplate = json.value(QStringLiteral("customTemplate")).toString(r.m_customTemplate);
  for (const auto& v : json.value(QStringLiteral("examples")).toArray())
    r.m_rows.append(rowFromJson(v.toObject(), base));
  r.m_query = rowFromJson(json.value(QStringLiteral("query")).toObject(), base);
  return r;
}

bool FewShotRecipe::save(const QString& path, QString* error) const {
  const QJsonObject json = toJson(QFileInfo(path).absolutePath());
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson()) < 0 ||
      !file.commit()) {
    if (error) *error = tr("Could not save the recipe to %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

bool FewShotRecipe::load(const QString& path, FewShotRecipe* recipe, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    if (error) *error = tr("Could not open %1: %2").arg(path, file.errorString());
    return false;
  }
  QJsonParseError parseError{};
  const QJsonObject json = QJsonDocument::fromJson(file.readAll(), &parseError).object();
  if (parseError.error != QJsonParseError::NoError || !json.contains(QStringLiteral("examples"))) {
    if (error) *error = tr("%1 is not a few-shot recipe.").arg(QFileInfo(path).fileName());
    return false;
  }
  *recipe = fromJson(json, QFileInfo(path).absolutePath());
  return true;
}

bool FewShotRecipe::operator==(const FewShotRecipe& o) const {
  return m_kind == o.m_kind && m_customTemplate == o.m_customTemplate && m_rows == o.m_rows &&
         m_query == o.m_query;
}
