#include "ui/media_files.h"

#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

#include "core/media.h"

MediaCheck MediaFiles::check(const QString& path) {
  MediaCheck result;
  const QString name = QFileInfo(path).fileName();
  try {
    switch (flamingo::media_kind(QFile::encodeName(path).toStdString())) {
      case flamingo::MediaKind::kImage:
        result.ok = true;
        break;
      case flamingo::MediaKind::kVideo:
        result.ok = result.video = true;
        break;
      case flamingo::MediaKind::kUnsupported:
        result.error = tr("%1 is not an image or a video, so it was not attached. "
                          "Flamingo reads PNG, JPEG, BMP, WebP, TIFF and GIF images and "
                          "most video files.")
                           .arg(name);
        break;
    }
  } catch (const std::exception&) {
    // media_kind throws FileError for a missing, empty or unreadable file.
    result.error = tr("%1 could not be read (it is missing, empty or not readable), so it was "
                      "not attached.")
                       .arg(name);
  }
  return result;
}

QStringList MediaFiles::localFiles(const QMimeData* data) {
  QStringList files;
  if (!data || !data->hasUrls()) return files;
  for (const QUrl& url : data->urls())
    if (url.isLocalFile()) files << url.toLocalFile();
  return files;
}

QString MediaFiles::dialogFilter() {
  return tr(
      "Images and videos (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff *.gif *.avi *.mp4 "
      "*.m4v *.mov *.mkv *.webm *.mpg *.mpeg *.ogv *.wmv *.flv);;All files (*)");
}
