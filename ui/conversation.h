#pragma once
// A conversation as the GUI thread owns it: plain values, saved as JSON by
// ConversationStore. A message's text holds one <image> marker per media item, in
// the order the model reads them, so a message renders as an interleaved flow.
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

struct MediaRef {
  QString path;  // absolute; inside the store's media folder once sent
  QString name;  // the file name the user picked, for display
  bool video = false;

  bool operator==(const MediaRef& o) const {
    return path == o.path && name == o.name && video == o.video;
  }
};

struct Message {
  enum class Role { User, Assistant };
  Role role = Role::User;
  QString text;
  QList<MediaRef> media;
  bool cancelled = false;  // the user stopped the reply
  QString error;           // why the reply ended early, in the user's words
  bool streaming = false;  // not saved: a reply still arriving

  QStringList mediaPaths() const;
  bool operator==(const Message& o) const {
    return role == o.role && text == o.text && media == o.media && cancelled == o.cancelled &&
           error == o.error;
  }
};

struct Conversation {
  QString id;
  QString title;
  bool titleEdited = false;  // renamed by the user: no longer follows the first message
  QDateTime created;
  QDateTime updated;
  QList<Message> messages;

  static Conversation create(const QString& title);
  // A title from the first user message: its first line, markers removed, shortened.
  static QString titleFrom(const QString& text);
  int mediaCount() const;

  // Media paths under `mediaRoot` are stored relative to it, so a moved data folder
  // still resolves; others stay absolute.
  QJsonObject toJson(const QString& mediaRoot) const;
  static Conversation fromJson(const QJsonObject& json, const QString& mediaRoot);
};

Q_DECLARE_METATYPE(Message)

// The marker the engine reads in place of each image or video.
inline const QString kImageMarker = QStringLiteral("<image>");
