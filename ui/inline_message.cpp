#include "ui/inline_message.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

InlineMessage::InlineMessage(QWidget* parent)
    : QFrame(parent),
      m_icon(new QLabel(this)),
      m_text(new QLabel(this)),
      m_close(new QToolButton(this)) {
  setObjectName(QStringLiteral("inlineMessage"));
  setAccessibleName(tr("Message"));
  m_text->setWordWrap(true);
  m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_text->setObjectName(QStringLiteral("inlineMessageText"));
  m_close->setAutoRaise(true);
  m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
  m_close->setToolTip(tr("Dismiss"));
  m_close->setAccessibleName(tr("Dismiss message"));
  connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(10, 6, 6, 6);
  layout->addWidget(m_icon, 0, Qt::AlignTop);
  layout->addWidget(m_text, 1);
  layout->addWidget(m_close, 0, Qt::AlignTop);
  applyStyle();
  hide();
}

void InlineMessage::showMessage(const QString& text, Level level) {
  m_level = level;
  m_text->setText(text);
  applyStyle();
  show();
}

QString InlineMessage::text() const { return isHidden() ? QString() : m_text->text(); }

void InlineMessage::changeEvent(QEvent* event) {
  // Styling sets a style sheet, which may itself change the palette: no recursion.
  if (event->type() == QEvent::PaletteChange && !m_styling) applyStyle();
  QFrame::changeEvent(event);
}

void InlineMessage::applyStyle() {
  m_styling = true;
  const bool error = m_level == Level::Error;
  const int side = style()->pixelMetric(QStyle::PM_SmallIconSize);
  m_icon->setPixmap(
      style()
          ->standardIcon(error ? QStyle::SP_MessageBoxWarning : QStyle::SP_MessageBoxInformation)
          .pixmap(side, side));
  // Tinted from the palette, so the banner reads in light and dark themes alike.
  const QColor base = palette().color(QPalette::Base);
  const QColor accent = error ? QColor(214, 69, 65) : palette().color(QPalette::Highlight);
  const QColor fill = QColor::fromRgbF(base.redF() * 0.85 + accent.redF() * 0.15,
                                       base.greenF() * 0.85 + accent.greenF() * 0.15,
                                       base.blueF() * 0.85 + accent.blueF() * 0.15);
  setStyleSheet(QStringLiteral("QFrame#inlineMessage { background: %1; border: 1px solid %2; "
                               "border-radius: 6px; }")
                    .arg(fill.name(), accent.name()));
  m_styling = false;
}
