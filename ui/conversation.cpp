#include "ui/conversation.h"

#include <QDir>
#include <QJsonArray>
#include <QUuid>

QStringList Message::mediaPaths() const {
  QStringList paths;
  for (const auto& m : media) paths << m.path;
  return paths;
}

Conversation Conversation::create(const QString& title) {
  Conversation c;
  c.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
  c.title = title;
  c.created = c.updated = QDateTime::currentDateTimeUtc();
  return c;
}

QString Conversation::titleFrom(const QString& text) {
  QString plain = text;
  plain.remove(kImageMarker);
  plain.remove(QStringLiteral("<|endofchunk|>"));
  plain = plain.trimmed().section(QLatin1Char('\n'), 0, 0).simplified();
  constexpr int kMaxLength = 48;
  if (plain.size() > kMaxLength) plain = plain.left(kMaxLength - 1).trimmed() + QChar(0x2026);
  return plain;
}

int Conversation::mediaCount() const {
  int n = 0;
  for (const auto& m : messages) n += m.media.size();
  return n;
}

namespace {

QString storedPath(const QString& path, const QDir& root) {
  const QString relative = root.relativeFilePath(path);
  return relative.startsWith(QLatin1String("..")) ? path : relative;
}

QJsonObject messageToJson(const Message& m, const QDir& root) {
  QJsonObject o;
  o[QStringLiteral("role")] =
      m.role == Message::Role::User ? QStringLiteral("user") : QStringLiteral("assistant");
  o[QStringLiteral("text")] = m.text;
  QJsonArray media;
  for (const auto& r : m.media) {
    media.append(QJsonObject{
        {QStringLiteral("file"), storedPath(r.path, root)},
        {QStringLiteral("name"), r.name},
        {QStringLiteral("kind"), r.video ? QStringLiteral("video") : QStringLiteral("image")}});
  }
  if (!media.isEmpty()) o[QStringLiteral("media")] = media;
  if (m.cancelled) o[QStringLiteral("cancelled")] = true;
  if (!m.error.isEmpty()) o[QStringLiteral("error")] = m.error;
  return o;
}

Message messageFromJson(const QJsonObject& o, const QDir& root) {
  Message m;
  m.role = o.value(QStringLiteral("role")).toString() == QLatin1String("assistant")
               ? Message::Role::Assistant
               : Message::Role::User;
  m.text = o.value(QStringLiteral("text")).toString();
  for (const auto& v : o.value(QStringLiteral("media")).toArray()) {
    const QJsonObject r = v.toObject();
    const QString file = r.value(QStringLiteral("file")).toString();
    m.media.append({QDir::isAbsolutePath(file) ? file : root.absoluteFilePath(file),
                    r.value(QStringLiteral("name")).toString(),
                    r.value(QStringLiteral("kind")).toString() == QLatin1String("video")});
  }
  m.cancelled = o.value(QStringLiteral("cancelled")).toBool();
  m.error = o.value(QStringLiteral("error")).toString();
  return m;
}

}  // namespace

QJsonObject Conversation::toJson(const QString& mediaRoot) const {
  const QDir root(mediaRoot);
  QJsonArray list;
  for (const auto& m : messages) list.append(messageToJson(m, root));
  return {{QStringLiteral("format"), 1},
          {QStringLiteral("id"), id},
          {QStringLiteral("title"), title},
          {QStringLiteral("titleEdited"), titleEdited},
          {QStringLiteral("created"), created.toString(Qt::ISODateWithMs)},
          {QStringLiteral("updated"), updated.toString(Qt::ISODateWithMs)},
          {QStringLiteral("messages"), list}};
}

Conversation Conversation::fromJson(const QJsonObject& json, const QString& mediaRoot) {
  const QDir root(mediaRoot);
  Conversation c;
  c.id = json.value(QStringLiteral("id")).toString();
  c.title = json.value(QStringLiteral("title")).toString();
  c.titleEdited = json.value(QStringLiteral("titleEdited")).toBool();
  c.created =
      QDateTime::fromString(json.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
  c.updated =
      QDateTime::fromString(json.value(QStringLiteral("updated")).toString(), Qt::ISODateWithMs);
  for (const auto& v : json.value(QStringLiteral("messages")).toArray())
    c.messages.append(messageFromJson(v.toObject(), root));
  return c;
}
