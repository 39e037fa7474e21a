#pragma once
// A clickable thumbnail of one image or video in a message, the composer or the
// builder. Videos carry a badge with their length and the number of frames the
// model reads. Clicking opens the full-size viewer.
#include <QAbstractButton>

#include "ui/conversation.h"

class MediaThumbnail : public QAbstractButton {
  Q_OBJECT

 public:
  explicit MediaThumbnail(const MediaRef& media, int maxSide = 180, QWidget* parent = nullptr);

  const MediaRef& media() const { return m_media; }
  QSize sizeHint() const override;
  bool isLoaded() const { return !m_image.isNull() || !m_error.isEmpty(); }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void refresh();
  QString badgeText() const;

  MediaRef m_media;
  int m_maxSide;
  QImage m_image;
  QString m_error;
  double m_durationS = 0;
  int m_frames = 0;
};

// Opens `media` full size in a window of its own (not modal).
void openMediaViewer(const MediaRef& media, QWidget* parent);
