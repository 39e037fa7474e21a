#pragma once
// Thumbnails of images and videos, decoded on a pool thread so that opening a chat
// with large pictures or long clips never stalls the GUI thread. Images are read
// with QImageReader (EXIF orientation applied) and, for formats Qt lacks, with the
// engine's own decoder; a video's thumbnail is its first sampled frame, decoded by
// the engine with the same sampling the model will use, which also gives the
// duration and the number of frames the model sees.
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

struct Thumbnail {
  QImage image;  // null when the file could not be decoded
  bool video = false;
  double durationS = 0;
  int frames = 0;  // frames the model reads (videos)
  QString error;
};

class ThumbnailCache : public QObject {
  Q_OBJECT

 public:
  static constexpr int kMaxSide = 480;

  // One per application, deleted with it.
  static ThumbnailCache* instance();
  ~ThumbnailCache() override;

  // The thumbnail when it is ready; otherwise starts decoding it, returns nullptr and
  // emits ready(path) later.
  const Thumbnail* find(const QString& path, bool video);
  int pending() const { return static_cast<int>(m_loading.size()); }
  // Video thumbnails count frames as the model will sample them.
  void setVideoSampling(double fps, int maxFrames);

 signals:
  void ready(const QString& path);

 private:
  explicit ThumbnailCache(QObject* parent);
  static Thumbnail decode(const QString& path, bool video, double fps, int maxFrames);

  QHash<QString, Thumbnail> m_done;
  QSet<QString> m_loading;
  QThreadPool m_pool;
  double m_fps = 1.0;
  int m_maxFrames = 8;
};
