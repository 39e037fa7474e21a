#pragma once
// Saves conversations as JSON files and keeps the media they show, copied in and
// named by the SHA-256 of their content, so a chat survives the deletion of the
// originals and the same picture sent twice is stored once.
//
//   <root>/conversations/<id>.json
//   <root>/media/<sha256>.<ext>
//   <root>/pasted/<sha256>.png   images pasted into the composer, not yet sent
//   <root>/state.json            which conversation was open last
//
// Every file is written through QSaveFile: an interrupted write leaves the old file
// as it was. Used by the GUI thread only.
#include <QCoreApplication>
#include <QList>
#include <QSet>
#include <QString>
#include <optional>

#include "ui/conversation.h"

class QImage;

class ConversationStore {
  Q_DECLARE_TR_FUNCTIONS(ConversationStore)

 public:
  // The folders are created when missing.
  explicit ConversationStore(const QString& root);
  static QString defaultRoot();  // QStandardPaths::AppDataLocation

  QString root() const { return m_root; }
  QString mediaDir() const;

  // Every conversation that can be read; unreadable files are named in `problems`.
  QList<Conversation> loadAll(QStringList* problems = nullptr) const;
  bool save(const Conversation& conversation, QString* error = nullptr);
  bool remove(const QString& id, QString* error = nullptr);

  // Copies `path` into the media folder (once per content) and returns the copy.
  std::optional<MediaRef> importMedia(const QString& path, QString* error = nullptr);
  // Saves an image pasted from the clipboard as PNG (<root>/pasted/<sha256>.png).
  QString savePastedImage(const QImage& image, QString* error = nullptr);
  // Deletes media files no conversation in `kept` refers to.
  void removeUnreferencedMedia(const QList<Conversation>& kept);

  QString lastOpenId() const;
  void setLastOpenId(const QString& id);

  // For tests: writes stop half-way and are abandoned, as if the program died.
  void setInterruptWritesForTesting(bool interrupt) { m_interruptWrites = interrupt; }

 private:
  QString conversationPath(const QString& id) const;
  bool writeFile(const QString& path, const QByteArray& data, QString* error) const;
  QString storeBytes(const QByteArray& data, const QString& suffix, QString* error);

  QString m_root;
  bool m_interruptWrites = false;
};
