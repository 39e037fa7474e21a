#include "ui/thumbnail_cache.h"

#include <QCoreApplication>
#include <QFile>
#include <QImageReader>
#include <QPointer>

#include "core/media.h"

namespace {

QImage fromRgb(const flamingo::RgbImage& rgb) {
  QImage image(rgb.width, rgb.height, QImage::Format_RGB888);
  for (int y = 0; y < rgb.height; ++y)
    std::copy_n(rgb.rgb.data() + static_cast<size_t>(y) * rgb.width * 3, rgb.width * 3,
                image.scanLine(y));
  return image;
}

QImage scaledDown(const QImage& image) {
  if (image.width() <= ThumbnailCache::kMaxSide && image.height() <= ThumbnailCache::kMaxSide)
    return image;
  return image.scaled(ThumbnailCache::kMaxSide, ThumbnailCache::kMaxSide, Qt::KeepAspectRatio,
                      Qt::SmoothTransformation);
}

QImage decodeImage(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);
  const QSize size = reader.size();
  // JPEG decodes straight to a smaller size, which is much faster for photos.
  if (size.isValid() &&
      (size.width() > ThumbnailCache::kMaxSide || size.height() > ThumbnailCache::kMaxSide))
    reader.setScaledSize(
        size.scaled(ThumbnailCache::kMaxSide, ThumbnailCache::kMaxSide, Qt::KeepAspectRatio));
  QImage image = reader.read();
  if (image.isNull())
    image = fromRgb(flamingo::load_image_rgb(QFile::encodeName(path).toStdString()));
  return scaledDown(image);
}

// The first frame the model will see, as 8-bit RGB: preprocessing with mean 0 and
// std 1 leaves each value as x / 255.
Thumbnail decodeVideo(const QString& path, double fps, int maxFrames) {
  flamingo::Preprocessing p;
  p.image_size = 256;
  p.mean = {0, 0, 0};
  p.std = {1, 1, 1};
  p.video_fps = fps;
  p.max_frames = maxFrames;
  const auto tensor = flamingo::load_video(QFile::encodeName(path).toStdString(), p);
  Thumbnail t;
  t.video = true;
  t.durationS = tensor.duration_s;
  t.frames = tensor.frames;
  QImage image(tensor.width, tensor.height, QImage::Format_RGB888);
  const size_t plane = static_cast<size_t>(tensor.width) * tensor.height;
  for (int y = 0; y < tensor.height; ++y) {
    uchar* line = image.scanLine(y);
    for (int x = 0; x < tensor.width; ++x)
      for (int c = 0; c < 3; ++c)
        line[x * 3 + c] = static_cast<uchar>(qBound(
            0.0f,
            tensor.data[c * plane + static_cast<size_t>(y) * tensor.width + x] * 255.0f + 0.5f,
            255.0f));
  }
  t.image = image;
  return t;
}

}  // namespace

ThumbnailCache::ThumbnailCache(QObject* parent) : QObject(parent) { m_pool.setMaxThreadCount(2); }

// Waits for decodes still running: they post their result to this object.
ThumbnailCache::~ThumbnailCache() { m_pool.waitForDone(); }

ThumbnailCache* ThumbnailCache::instance() {
  static QPointer<ThumbnailCache> cache;
  if (!cache) cache = new ThumbnailCache(QCoreApplication::instance());
  return cache;
}

void ThumbnailCache::setVideoSampling(double fps, int maxFrames) {
  if (fps == m_fps && maxFrames == m_maxFrames) return;
  m_fps = fps;
  m_maxFrames = maxFrames;
  // Frame counts depend on the sampling: decode videos again when next asked.
  for (auto it = m_done.begin(); it != m_done.end();)
    it = it->video ? m_done.erase(it) : std::next(it);
}

Thumbnail ThumbnailCache::decode(const QString& path, bool video, double fps, int maxFrames) {
  try {
    if (video) return decodeVideo(path, fps, maxFrames);
    Thumbnail t;
    t.image = decodeImage(path);
    return t;
  } catch (const std::exception& e) {
    Thumbnail t;
    t.video = video;
    t.error = QString::fromStdString(e.what());
    return t;
  }
}

const Thumbnail* ThumbnailCache::find(const QString& path, bool video) {
  const auto it = m_done.constFind(path);
  if (it != m_done.constEnd()) return &*it;
  if (m_loading.contains(path)) return nullptr;
  m_loading.insert(path);
  const double fps = m_fps;
  const int maxFrames = m_maxFrames;
  m_pool.start([this, path, video, fps, maxFrames] {
    Thumbnail t = decode(path, video, fps, maxFrames);
    QMetaObject::invokeMethod(
        this,
        [this, path, t] {
          m_loading.remove(path);
          m_done.insert(path, t);
          emit ready(path);
        },
        Qt::QueuedConnection);
  });
  return nullptr;
}
