#include "ui/chat_view.h"

#include <QHBoxLayout>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/message_widget.h"

namespace {

constexpr int kFrameMs = 40;      // at most 25 re-layouts a second while streaming
constexpr int kBottomSlack = 24;  // this close to the bottom still counts as "at the bottom"

// The column of messages. QScrollArea sizes its widget to at least the minimum size
// hint, which for word-wrapped text is the height at some narrow width: far too
// tall, leaving a gap under the last message. The height for the actual width
// (heightForWidth) is the right one, so the minimum height is dropped here.
class Column : public QWidget {
 public:
  QSize minimumSizeHint() const override { return {QWidget::minimumSizeHint().width(), 0}; }
};

}  // namespace

ChatView::ChatView(QWidget* parent) : QScrollArea(parent), m_content(new Column) {
  setObjectName(QStringLiteral("chatView"));
  setAccessibleName(tr("Conversation"));
  setWidgetResizable(true);
  setFrameShape(QFrame::NoFrame);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_content->setObjectName(QStringLiteral("chatContent"));
  m_column = new QVBoxLayout(m_content);
  m_column->setContentsMargins(24, 16, 24, 16);
  m_column->setSpacing(14);
  m_column->addStretch();
  setWidget(m_content);

  m_frame.setSingleShot(true);
  m_frame.setInterval(kFrameMs);
  connect(&m_frame, &QTimer::timeout, this, &ChatView::flushUpdates);

  m_jump = new QToolButton(viewport());
  m_jump->setText(tr("Jump to latest"));
  m_jump->setAccessibleName(tr("Jump to latest message"));
  m_jump->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
  m_jump->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  m_jump->hide();
  connect(m_jump, &QToolButton::clicked, this, &ChatView::jumpToLatest);

  // Following: the view sticks to the bottom as content grows, until the user
  // scrolls away from it.
  QScrollBar* bar = verticalScrollBar();
  connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
    m_follow = value >= bar->maximum() - kBottomSlack;
    m_jump->setVisible(!m_follow);
  });
  connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int max) {
    if (m_follow) bar->setValue(max);
  });
}

void ChatView::setConversation(const Conversation& conversation) {
  m_pending.clear();
  removeFrom(0);
  for (int i = 0; i < conversation.messages.size(); ++i) appendMessage(i, conversation.messages[i]);
  jumpToLatest();
}

void ChatView::appendMessage(int index, const Message& message) {
  flushUpdates();
  if (index != m_widgets.size()) return;  // out of step: the caller rebuilds
  auto* widget = new MessageWidget(message, m_modelName, m_content);
  connect(widget, &MessageWidget::editRequested, this,
          [this, widget] { emit editRequested(static_cast<int>(m_widgets.indexOf(widget))); });
  connect(widget, &MessageWidget::regenerateRequested, this, &ChatView::regenerateRequested);
  // Your messages sit to the right, replies to the left, each leaving a margin.
  auto* row = new QHBoxLayout;
  const bool user = message.role == Message::Role::User;
  if (user) row->addStretch(1);
  row->addWidget(widget, 6);
  if (!user) row->addStretch(1);
  m_column->insertLayout(m_column->count() - 1, row);
  m_widgets.append(widget);
  m_follow = m_follow || user;  // sending a message brings the view down
  updateActions();
}

void ChatView::updateMessage(int index, const Message& message) {
  m_pending.insert(index, message);
  if (!m_frame.isActive()) m_frame.start();
}

void ChatView::flushUpdates() {
  m_frame.stop();
  for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
    if (MessageWidget* w = m_widgets.value(it.key())) w->setMessage(it.value());
  m_pending.clear();
}

void ChatView::removeFrom(int index) {
  flushUpdates();
  while (m_widgets.size() > index) {
    MessageWidget* w = m_widgets.takeLast();
    // Each message sits in its own row layout, just before the final stretch.
    QLayoutItem* row = m_column->takeAt(m_column->count() - 2);
    delete w;
    delete row;
  }
  updateActions();
}

void ChatView::setBusy(bool busy) {
  m_busy = busy;
  if (!busy) flushUpdates();
  updateActions();
}

void ChatView::updateActions() {
  // Editing or regenerating while a reply streams would race it: offer them when idle.
  for (int i = 0; i < m_widgets.size(); ++i)
    m_widgets[i]->setActions(!m_busy, !m_busy && i == m_widgets.size() - 1);
}

void ChatView::jumpToLatest() {
  m_follow = true;
  m_jump->hide();
  QScrollBar* bar = verticalScrollBar();
  bar->setValue(bar->maximum());
}

void ChatView::resizeEvent(QResizeEvent* event) {
  QScrollArea::resizeEvent(event);
  placeJumpButton();
}

void ChatView::placeJumpButton() {
  m_jump->adjustSize();
  const QSize s = m_jump->size();
  m_jump->move((viewport()->width() - s.width()) / 2, viewport()->height() - s.height() - 12);
}
