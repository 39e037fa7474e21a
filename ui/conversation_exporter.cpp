#include "ui/conversation_exporter.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextDocument>

namespace {

QString roleName(const Message& m) {
  return m.role == Message::Role::User ? ConversationExporter::tr("You")
                                       : ConversationExporter::tr("Model");
}

// Copies the media of the conversation into `dir` (named as in the store) and
// returns the relative link to each, keyed by its path.
QString copyMedia(const MediaRef& media, const QString& dir, const QString& linkPrefix) {
  QDir().mkpath(dir);
  const QString name = QFileInfo(media.path).fileName();
  const QString target = dir + QLatin1Char('/') + name;
  if (!QFileInfo::exists(target)) QFile::copy(media.path, target);
  return linkPrefix + name;
}

bool writeText(const QString& path, const QString& text, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
    if (error)
      *error = ConversationExporter::tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

QString markdownToHtml(const QString& markdown) {
  QTextDocument doc;
  doc.setMarkdown(markdown);
  // Only the body: the page has its own head and style.
  static const QRegularExpression body(QStringLiteral("<body[^>]*>(.*)</body>"),
                                       QRegularExpression::DotMatchesEverythingOption);
  const auto match = body.match(doc.toHtml());
  return match.hasMatch() ? match.captured(1) : markdown.toHtmlEscaped();
}

QString imageDataUrl(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);
  const QImage image = reader.read();
  if (image.isNull()) return {};
  QByteArray png;
  QBuffer buffer(&png);
  buffer.open(QIODevice::WriteOnly);
  image.save(&buffer, "PNG");
  return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

}  // namespace

bool ConversationExporter::writeMarkdown(const Conversation& c, const QString& path,
                                         QString* error) {
  const QFileInfo info(path);
  const QString mediaFolder = info.completeBaseName() + QStringLiteral("_media");
  const QString mediaDir = info.absolutePath() + QLatin1Char('/') + mediaFolder;
  QString out = QStringLiteral("# %1\n\n").arg(c.title.isEmpty() ? tr("Conversation") : c.title);
  for (const Message& m : c.messages) {
    out += QStringLiteral("**%1:**\n\n").arg(roleName(m));
    const QStringList parts = m.text.split(kImageMarker);
    for (int i = 0; i < parts.size(); ++i) {
      if (!parts[i].trimmed().isEmpty()) out += parts[i].trimmed() + QStringLiteral("\n\n");
      if (i + 1 < parts.size() && i < m.media.size()) {
        const MediaRef& media = m.media[i];
        const QString link = copyMedia(media, mediaDir, mediaFolder + QLatin1Char('/'));
        out += media.video ? QStringLiteral("[▶ %1](%2)\n\n").arg(media.name, link)
                           : QStringLiteral("![%1](%2)\n\n").arg(media.name, link);
      }
    }
  }
  return writeText(path, out, error);
}

bool ConversationExporter::writeHtml(const Conversation& c, const QString& path, QString* error) {
  const QFileInfo info(path);
  const QString mediaFolder = info.completeBaseName() + QStringLiteral("_media");
  const QString title = (c.title.isEmpty() ? tr("Conversation") : c.title).toHtmlEscaped();
  QString out =
      QStringLiteral(
          "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>\n"
          "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45}"
          ".user{background:#eef3fb}.msg{border-radius:10px;padding:.6em 1em;margin:1em 0;"
          "border:1px solid #dde}img{max-width:240px;border-radius:6px;margin:.3em}</style>"
          "</head><body><h1>%1</h1>\n")
          .arg(title);
  for (const Message& m : c.messages) {
    const bool user = m.role == Message::Role::User;
    out += QStringLiteral("<div class=\"msg%1\"><b>%2</b>\n")
               .arg(user ? QStringLiteral(" user") : QString(), roleName(m));
    const QStringList parts = m.text.split(kImageMarker);
    for (int i = 0; i < parts.size(); ++i) {
      if (!parts[i].trimmed().isEmpty())
        out += user ? QStringLiteral("<p>%1</p>")
                          .arg(parts[i].trimmed().toHtmlEscaped().replace('\n', "<br>"))
                    : markdownToHtml(parts[i]);
      if (i + 1 >= parts.size() || i >= m.media.size()) continue;
      const MediaRef& media = m.media[i];
      const QString data = media.video ? QString() : imageDataUrl(media.path);
      if (!data.isEmpty()) {
        out += QStringLiteral("<img alt=\"%1\" src=\"%2\">").arg(media.name.toHtmlEscaped(), data);
      } else {
        const QString link = copyMedia(media, info.absolutePath() + QLatin1Char('/') + mediaFolder,
                                       mediaFolder + QLatin1Char('/'));
        out +=
            QStringLiteral("<p><a href=\"%1\">▶ %2</a></p>").arg(link, media.name.toHtmlEscaped());
      }
    }
    out += QStringLiteral("</div>\n");
  }
  out += QStringLiteral("</body></html>\n");
  return writeText(path, out, error);
}
