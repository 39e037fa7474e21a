#include "ui/media_thumbnail.h"

#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QImageReader>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/thumbnail_cache.h"

MediaThumbnail::MediaThumbnail(const MediaRef& media, int maxSide, QWidget* parent)
    : QAbstractButton(parent), m_media(media), m_maxSide(maxSide) {
  setCursor(Qt::PointingHandCursor);
  setFocusPolicy(Qt::TabFocus);
  setToolTip(media.name);
  setAccessibleName(media.video ? tr("Video %1").arg(media.name) : tr("Image %1").arg(media.name));
  setAccessibleDescription(tr("Opens the file full size"));
  connect(ThumbnailCache::instance(), &ThumbnailCache::ready, this, [this](const QString& path) {
    if (path == m_media.path) refresh();
  });
  connect(this, &QAbstractButton::clicked, this, [this] { openMediaViewer(m_media, window()); });
  refresh();
}

void MediaThumbnail::refresh() {
  const Thumbnail* t = ThumbnailCache::instance()->find(m_media.path, m_media.video);
  if (!t) return;
  m_image = t->image;
  m_error = t->error;
  m_durationS = t->durationS;
  m_frames = t->frames;
  if (m_media.video && !m_image.isNull())
    setAccessibleName(tr("Video %1, %2").arg(m_media.name, badgeText()));
  updateGeometry();
  update();
}

QSize MediaThumbnail::sizeHint() const {
  if (m_image.isNull()) return {m_maxSide, m_maxSide * 3 / 4};
  return m_image.size().scaled(m_maxSide, m_maxSide, Qt::KeepAspectRatio).expandedTo({48, 48});
}

QString MediaThumbnail::badgeText() const {
  if (!m_media.video) return {};
  if (m_image.isNull()) return tr("Video");
  const int seconds = qRound(m_durationS);
  const QString frames = m_frames == 1 ? tr("1 frame") : tr("%1 frames").arg(m_frames);
  return tr("%1:%2 · %3").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0')).arg(frames);
}

void MediaThumbnail::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
  QPainterPath clip;
  clip.addRoundedRect(r, 8, 8);
  p.setClipPath(clip);
  p.fillRect(r, palette().color(QPalette::AlternateBase));
  if (!m_image.isNull()) {
    // Cover the box, cropping the longer side, as photo apps do.
    const QSize target = m_image.size().scaled(size(), Qt::KeepAspectRatioByExpanding);
    const QRect placed(QPoint((width() - target.width()) / 2, (height() - target.height()) / 2),
                       target);
    p.drawImage(placed, m_image);
  } else {
    const QIcon icon =
        style()->standardIcon(m_media.video ? QStyle::SP_MediaPlay : QStyle::SP_FileIcon);
    icon.paint(&p, rect().adjusted(0, 0, 0, -20), Qt::AlignCenter);
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect().adjusted(6, 0, -6, -6),
               Qt::AlignHCenter | Qt::AlignBottom | Qt::TextSingleLine,
               fontMetrics().elidedText(m_media.name, Qt::ElideMiddle, width() - 12));
  }
  if (m_media.video) {
    const QString badge = QStringLiteral("▶ ") + badgeText();
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    const QFontMetrics fm(f);
    const QRectF pill(6, height() - fm.height() - 12, fm.horizontalAdvance(badge) + 14,
                      fm.height() + 6);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0, 0, 0, 170));
    p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
    p.setPen(Qt::white);
    p.drawText(pill, Qt::AlignCenter, badge);
  }
  p.setClipping(false);
  p.setPen(QPen(hasFocus() ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid),
                hasFocus() ? 2 : 1));
  p.setBrush(Qt::NoBrush);
  p.drawRoundedRect(r, 8, 8);
}

void openMediaViewer(const MediaRef& media, QWidget* parent) {
  auto* dialog = new QDialog(parent);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(media.name);
  auto* layout = new QVBoxLayout(dialog);
  auto* area = new QScrollArea(dialog);
  auto* label = new QLabel;
  label->setAlignment(Qt::AlignCenter);
  QImage image;
  if (!media.video) {
    QImageReader reader(media.path);
    reader.setAutoTransform(true);
    image = reader.read();
  }
  if (image.isNull())
    if (const Thumbnail* t = ThumbnailCache::instance()->find(media.path, media.video))
      image = t->image;
  if (image.isNull())
    label->setText(MediaThumbnail::tr("This file cannot be shown here."));
  else
    label->setPixmap(QPixmap::fromImage(image));
  area->setWidget(label);
  area->setWidgetResizable(true);
  layout->addWidget(area);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QPushButton* open = buttons->addButton(MediaThumbnail::tr("Open with the system viewer"),
                                         QDialogButtonBox::ActionRole);
  QObject::connect(open, &QPushButton::clicked, dialog,
                   [path = media.path] { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  layout->addWidget(buttons);
  dialog->resize(image.isNull() ? QSize(360, 200)
                                : image.size().boundedTo({1000, 760}) + QSize(40, 80));
  dialog->show();
}
