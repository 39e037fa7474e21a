#include "ui/message_widget.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/flow_layout.h"
#include "ui/media_thumbnail.h"

namespace {

// Flat text buttons: the standard icon set has no good "copy" or "edit".
QToolButton* actionButton(const QString& text, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setText(text);
  b->setAccessibleName(text);
  b->setToolButtonStyle(Qt::ToolButtonTextOnly);
  b->setAutoRaise(true);
  b->setCursor(Qt::PointingHandCursor);
  return b;
}

}  // namespace

MessageWidget::MessageWidget(const Message& message, const QString& modelName, QWidget* parent)
    : QFrame(parent), m_message(message), m_role(new QLabel(this)), m_footer(new QLabel(this)) {
  const bool user = message.role == Message::Role::User;
  setObjectName(user ? QStringLiteral("userMessage") : QStringLiteral("assistantMessage"));
  m_role->setText(user ? tr("You") : (modelName.isEmpty() ? tr("Model") : modelName));
  QFont bold = m_role->font();
  bold.setBold(true);
  m_role->setFont(bold);

  m_copy = actionButton(tr("Copy"), this);
  m_edit = actionButton(tr("Edit"), this);
  m_regenerate = actionButton(tr("Regenerate"), this);
  m_copy->setToolTip(tr("Copy this message"));
  m_edit->setToolTip(tr("Change this message and send it again"));
  m_regenerate->setToolTip(tr("Write this reply again (Ctrl+R)"));
  connect(m_copy, &QToolButton::clicked, this,
          [this] { QApplication::clipboard()->setText(plainText()); });
  connect(m_edit, &QToolButton::clicked, this, &MessageWidget::editRequested);
  connect(m_regenerate, &QToolButton::clicked, this, &MessageWidget::regenerateRequested);

  auto* header = new QHBoxLayout;
  header->setSpacing(2);
  header->addWidget(m_role);
  header->addStretch();
  header->addWidget(m_copy);
  header->addWidget(m_edit);
  header->addWidget(m_regenerate);

  m_body = new QVBoxLayout;
  m_body->setSpacing(8);
  m_footer->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(14, 8, 14, 12);
  layout->setSpacing(4);
  layout->addLayout(header);
  layout->addLayout(m_body);
  layout->addWidget(m_footer);
  setActions(user, false);
  rebuildBody();
  updateFooter();
  applyStyle();
}

QString MessageWidget::displayText(const QString& segment) const {
  // A caret shows that the reply is still being written.
  return m_message.streaming ? segment + QStringLiteral(" ▍") : segment;
}

QLabel* MessageWidget::makeTextLabel(const QString& text) {
  auto* label = new QLabel(this);
  label->setWordWrap(true);
  // Replies are Markdown; the user's words are shown exactly as typed.
  label->setTextFormat(m_message.role == Message::Role::Assistant ? Qt::MarkdownText
                                                                  : Qt::PlainText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
  label->setOpenExternalLinks(true);
  label->setText(text);
  label->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
  return label;
}

void MessageWidget::rebuildBody() {
  while (QLayoutItem* item = m_body->takeAt(0)) {
    if (QLayout* l = item->layout()) {
      while (QLayoutItem* inner = l->takeAt(0)) {
        delete inner->widget();
        delete inner;
      }
    }
    delete item->widget();
    delete item;
  }
  m_textLabels.clear();
  // The message as the model reads it: text, medium, text, medium... Media and
  // short phrases flow along a line like words ("[img] This is a dax. [img] This
  // is a blicket."); longer text and replies take whole paragraphs.
  const QStringList segments = m_message.text.split(kImageMarker);
  const bool user = m_message.role == Message::Role::User;
  constexpr int kShortText = 60;
  FlowLayout* row = nullptr;
  auto flow = [&] {
    if (!row) {
      row = new FlowLayout(10);
      m_body->addLayout(row);
    }
    return row;
  };
  for (int i = 0; i < segments.size(); ++i) {
    const QString raw = segments[i];
    const QString text = raw.trimmed();
    const bool last = i == segments.size() - 1;
    if (raw.startsWith(QLatin1Char('\n'))) row = nullptr;
    if (!text.isEmpty() || (last && m_message.streaming) || segments.size() == 1) {
      QLabel* label = makeTextLabel(last ? displayText(text) : text);
      m_textLabels.append(label);
      if (user && text.size() <= kShortText && !text.contains(QLatin1Char('\n'))) {
        label->setWordWrap(false);
        flow()->addWidget(label);
      } else {
        row = nullptr;
        m_body->addWidget(label);
      }
    }
    if (raw.endsWith(QLatin1Char('\n'))) row = nullptr;
    if (!last && i < m_message.media.size())
      flow()->addWidget(new MediaThumbnail(m_message.media[i], 128, this));
  }
}

void MessageWidget::setMessage(const Message& message) {
  const bool sameShape = message.media == m_message.media && !m_textLabels.isEmpty() &&
                         message.text.count(kImageMarker) == m_message.text.count(kImageMarker);
  m_message = message;
  // While a reply streams only its last text changes: update that label alone, so
  // nothing else is rebuilt and nothing flickers.
  if (sameShape)
    updateStreamingText();
  else
    rebuildBody();
  updateFooter();
}

void MessageWidget::updateStreamingText() {
  const QString last = m_message.text.section(kImageMarker, -1).trimmed();
  m_textLabels.last()->setText(displayText(last));
}

void MessageWidget::updateFooter() {
  QString footer;
  if (m_message.cancelled) footer = tr("Stopped.");
  if (!m_message.error.isEmpty()) footer = tr("The reply ended early: %1").arg(m_message.error);
  m_footer->setText(footer);
  m_footer->setVisible(!footer.isEmpty());
  QPalette footerPalette = m_footer->palette();
  footerPalette.setColor(QPalette::WindowText, m_message.error.isEmpty()
                                                   ? palette().color(QPalette::PlaceholderText)
                                                   : QColor(200, 60, 50));
  m_footer->setPalette(footerPalette);
}

void MessageWidget::setActions(bool canEdit, bool canRegenerate) {
  m_edit->setVisible(canEdit && m_message.role == Message::Role::User);
  m_regenerate->setVisible(canRegenerate && m_message.role == Message::Role::Assistant);
}

QString MessageWidget::plainText() const {
  QString text = m_message.text;
  int n = 0;
  while (text.contains(kImageMarker) && n < m_message.media.size())
    text.replace(text.indexOf(kImageMarker), kImageMarker.size(),
                 QStringLiteral("[%1]").arg(m_message.media[n++].name));
  return text.trimmed();
}

void MessageWidget::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange && !m_styling) applyStyle();
  QFrame::changeEvent(event);
}

void MessageWidget::applyStyle() {
  m_styling = true;
  // Colours come from the palette, so bubbles follow the system's light or dark theme.
  const QPalette pal = palette();
  const QColor base = pal.color(QPalette::Base);
  const QColor tint = pal.color(QPalette::Highlight);
  const bool user = m_message.role == Message::Role::User;
  const qreal mix = user ? 0.13 : 0.0;
  const QColor fill = QColor::fromRgbF(base.redF() * (1 - mix) + tint.redF() * mix,
                                       base.greenF() * (1 - mix) + tint.greenF() * mix,
                                       base.blueF() * (1 - mix) + tint.blueF() * mix);
  const QColor border = user ? fill : pal.color(QPalette::Midlight);
  setStyleSheet(
      QStringLiteral("QFrame#%1 { background: %2; border: 1px solid %3; border-radius: 12px; }")
          .arg(objectName(), fill.name(), border.name()));
  m_styling = false;
}
