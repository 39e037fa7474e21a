#include "ui/attachment_chip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

#include "ui/media_thumbnail.h"

AttachmentChip::AttachmentChip(const MediaRef& media, QWidget* parent)
    : QFrame(parent), m_media(media) {
  setObjectName(QStringLiteral("attachmentChip"));
  setAccessibleName(media.video ? tr("Attached video %1").arg(media.name)
                                : tr("Attached image %1").arg(media.name));
  setStyleSheet(
      QStringLiteral("QFrame#attachmentChip { border: 1px solid palette(mid); "
                     "border-radius: 8px; background: palette(base); }"));
  auto* thumb = new MediaThumbnail(media, 36, this);
  thumb->setFixedSize(36, 36);
  auto* name = new QLabel(fontMetrics().elidedText(media.name, Qt::ElideMiddle, 160), this);
  name->setToolTip(media.path);
  auto* remove = new QToolButton(this);
  remove->setAutoRaise(true);
  remove->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
  remove->setToolTip(tr("Remove %1").arg(media.name));
  remove->setAccessibleName(tr("Remove %1").arg(media.name));
  connect(remove, &QToolButton::clicked, this, &AttachmentChip::removeRequested);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 4, 2, 4);
  layout->setSpacing(6);
  layout->addWidget(thumb);
  layout->addWidget(name);
  layout->addWidget(remove);
}
