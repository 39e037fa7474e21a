#pragma once
// Which files the composer and the builder accept, judged by the engine's own
// media_kind (content first, then a video container's extension), so that the UI
// never accepts a file the model would refuse.
#include <QCoreApplication>
#include <QString>
#include <QStringList>

class QMimeData;

struct MediaCheck {
  bool ok = false;
  bool video = false;
  QString error;  // why the file was refused, naming it
};

class MediaFiles {
  Q_DECLARE_TR_FUNCTIONS(MediaFiles)

 public:
  static MediaCheck check(const QString& path);
  // The local files a drop or a paste carries.
  static QStringList localFiles(const QMimeData* data);
  // For QFileDialog: images and videos, then all files.
  static QString dialogFilter();
};
