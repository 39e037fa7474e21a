#include "ui/conversation_store.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>

#include "core/error.h"
#include "core/media.h"

namespace {

const QString kConversations = QStringLiteral("conversations");
const QString kMedia = QStringLiteral("media");

// SHA-256 of a file, read in blocks so a long video does not fill the memory.
QByteArray hashFile(QFile& file) {
  QCryptographicHash hash(QCryptographicHash::Sha256);
  return hash.addData(&file) ? hash.result().toHex() : QByteArray();
}

}  // namespace

ConversationStore::ConversationStore(const QString& root) : m_root(QDir::cleanPath(root)) {
  QDir().mkpath(m_root + QLatin1Char('/') + kConversations);
  QDir().mkpath(mediaDir());
}

QString ConversationStore::defaultRoot() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString ConversationStore::mediaDir() const { return m_root + QLatin1Char('/') + kMedia; }

QString ConversationStore::conversationPath(const QString& id) const {
  return m_root + QLatin1Char('/') + kConversations + QLatin1Char('/') + id +
         QStringLiteral(".json");
}

QList<Conversation> ConversationStore::loadAll(QStringList* problems) const {
  QList<Conversation> result;
  const QDir dir(m_root + QLatin1Char('/') + kConversations);
  for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files)) {
    QFile file(info.absoluteFilePath());
    QJsonParseError parseError{};
    const auto doc = file.open(QIODevice::ReadOnly)
                         ? QJsonDocument::fromJson(file.readAll(), &parseError)
                         : QJsonDocument();
    Conversation c = Conversation::fromJson(doc.object(), m_root);
    if (doc.isObject() && !c.id.isEmpty()) {
      result.append(c);
    } else if (problems) {
      problems->append(tr("%1 could not be read and was skipped.").arg(info.fileName()));
    }
  }
  // Newest first, as the sidebar lists them.
  std::sort(result.begin(), result.end(), [](const Conversation& a, const Conversation& b) {
    return a.created != b.created ? a.created > b.created : a.id < b.id;
  });
  return result;
}

bool ConversationStore::writeFile(const QString& path, const QByteArray& data,
                                  QString* error) const {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  if (m_interruptWrites) {
    // Half the data, then the process "dies": QSaveFile drops the temporary file.
    file.write(data.left(data.size() / 2));
    file.cancelWriting();
    if (error) *error = tr("Could not write %1: the write was interrupted").arg(path);
    return false;
  }
  file.write(data);
  if (!file.commit()) {
    if (error) *error = tr("Could not write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

bool ConversationStore::save(const Conversation& conversation, QString* error) {
  const QByteArray json =
      QJsonDocument(conversation.toJson(m_root)).toJson(QJsonDocument::Indented);
  return writeFile(conversationPath(conversation.id), json, error);
}

bool ConversationStore::remove(const QString& id, QString* error) {
  QFile file(conversationPath(id));
  if (file.exists() && !file.remove()) {
    if (error) *error = tr("Could not delete %1: %2").arg(file.fileName(), file.errorString());
    return false;
  }
  return true;
}

std::optional<MediaRef> ConversationStore::importMedia(const QString& path, QString* error) {
  MediaRef ref;
  ref.name = QFileInfo(path).fileName();
  try {
    const auto kind = flamingo::media_kind(QFile::encodeName(path).toStdString());
    if (kind == flamingo::MediaKind::kUnsupported) {
      if (error) *error = tr("%1 is not an image or video Flamingo can read.").arg(ref.name);
      return std::nullopt;
    }
    ref.video = kind == flamingo::MediaKind::kVideo;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return std::nullopt;
  }
  QFile source(path);
  if (!source.open(QIODevice::ReadOnly)) {
    if (error) *error = tr("Could not read %1: %2").arg(path, source.errorString());
    return std::nullopt;
  }
  const QByteArray hash = hashFile(source);
  const QString suffix = QFileInfo(path).suffix().toLower();
  ref.path = mediaDir() + QLatin1Char('/') + QString::fromLatin1(hash) +
             (suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix);
  if (QFileInfo::exists(ref.path)) return ref;  // same content already stored
  // Copy to a temporary name, then rename: a half-copied file never carries the hash.
  const QString partial = ref.path + QStringLiteral(".part");
  QFile::remove(partial);
  if (!QFile::copy(path, partial) || !QFile::rename(partial, ref.path)) {
    QFile::remove(partial);
    if (error) *error = tr("Could not copy %1 into %2.").arg(ref.name, mediaDir());
    return std::nullopt;
  }
  return ref;
}

QString ConversationStore::storeBytes(const QByteArray& data, const QString& suffix,
                                      QString* error) {
  // Pasted images wait in their own folder until sent, so that cleaning up the
  // media of deleted chats never takes an attachment still in the composer.
  const QString dir = m_root + QStringLiteral("/pasted");
  QDir().mkpath(dir);
  const QString hash =
      QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
  const QString path = dir + QLatin1Char('/') + hash + QLatin1Char('.') + suffix;
  if (QFileInfo::exists(path) || writeFile(path, data, error)) return path;
  return {};
}

QString ConversationStore::savePastedImage(const QImage& image, QString* error) {
  QByteArray png;
  QBuffer buffer(&png);
  buffer.open(QIODevice::WriteOnly);
  if (image.isNull() || !image.save(&buffer, "PNG")) {
    if (error) *error = tr("The pasted image could not be saved.");
    return {};
  }
  return storeBytes(png, QStringLiteral("png"), error);
}

void ConversationStore::removeUnreferencedMedia(const QList<Conversation>& kept) {
  QSet<QString> used;
  for (const auto& c : kept)
    for (const auto& m : c.messages)
      for (const auto& r : m.media) used.insert(QFileInfo(r.path).fileName());
  const QDir dir(mediaDir());
  for (const QString& name : dir.entryList(QDir::Files))
    if (!used.contains(name)) QFile::remove(dir.absoluteFilePath(name));
}

QString ConversationStore::lastOpenId() const {
  QFile file(m_root + QStringLiteral("/state.json"));
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(file.readAll())
      .object()
      .value(QStringLiteral("lastOpen"))
      .toString();
}

void ConversationStore::setLastOpenId(const QString& id) {
  const QJsonObject state{{QStringLiteral("lastOpen"), id}};
  writeFile(m_root + QStringLiteral("/state.json"), QJsonDocument(state).toJson(), nullptr);
}
