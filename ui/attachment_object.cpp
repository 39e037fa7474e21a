#include "ui/attachment_object.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QTextDocument>

namespace {
constexpr qreal kPadding = 6;
constexpr int kMaxNameChars = 28;
}  // namespace

QString AttachmentObject::label(const QTextFormat& format) {
  QString name = format.property(NameProperty).toString();
  if (name.size() > kMaxNameChars) name = name.left(kMaxNameChars - 1) + QChar(0x2026);
  return (format.property(VideoProperty).toBool() ? QStringLiteral("▶ ") : QStringLiteral("▣ ")) +
         name;
}

QSizeF AttachmentObject::intrinsicSize(QTextDocument* doc, int, const QTextFormat& format) {
  const QFontMetricsF fm(doc->defaultFont());
  return {fm.horizontalAdvance(label(format)) + 2 * kPadding, fm.height() + 2};
}

void AttachmentObject::drawObject(QPainter* painter, const QRectF& rect, QTextDocument* doc, int,
                                  const QTextFormat& format) {
  const QPalette pal = QApplication::palette();
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing);
  QColor fill = pal.color(QPalette::Highlight);
  fill.setAlpha(40);
  painter->setBrush(fill);
  painter->setPen(QPen(pal.color(QPalette::Highlight), 1));
  const QRectF chip = rect.adjusted(0.5, 0.5, -0.5, -0.5);
  painter->drawRoundedRect(chip, chip.height() / 2, chip.height() / 2);
  painter->setFont(doc->defaultFont());
  painter->setPen(pal.color(QPalette::Text));
  painter->drawText(chip, Qt::AlignCenter, label(format));
  painter->restore();
}
