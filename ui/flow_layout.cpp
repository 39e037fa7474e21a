#include "ui/flow_layout.h"

#include <QWidget>

FlowLayout::FlowLayout(int spacing, QWidget* parent) : QLayout(parent) {
  setSpacing(spacing);
  setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout() {
  while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { m_items.append(item); }

QLayoutItem* FlowLayout::takeAt(int index) {
  return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

int FlowLayout::heightForWidth(int width) const { return arrange({0, 0, width, 0}, false); }

QSize FlowLayout::sizeHint() const {
  // Everything on one line.
  int width = 0, height = 0;
  for (const QLayoutItem* item : m_items) {
    const QSize s = item->sizeHint();
    width += s.width() + (width > 0 ? spacing() : 0);
    height = qMax(height, s.height());
  }
  return {width, height};
}

QSize FlowLayout::minimumSize() const {
  QSize size;
  for (const QLayoutItem* item : m_items) size = size.expandedTo(item->minimumSize());
  return size;
}

void FlowLayout::setGeometry(const QRect& rect) {
  QLayout::setGeometry(rect);
  arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const {
  // Line by line: fill a line, then centre its items vertically, so a caption
  // beside a picture reads as one line of a document.
  int y = rect.y();
  for (qsizetype first = 0; first < m_items.size();) {
    int x = rect.x(), lineHeight = 0;
    qsizetype last = first;
    for (; last < m_items.size(); ++last) {
      const QSize s = m_items[last]->sizeHint();
      if (last > first && x + s.width() > rect.right() + 1) break;
      x += s.width() + spacing();
      lineHeight = qMax(lineHeight, s.height());
    }
    if (apply) {
      x = rect.x();
      for (qsizetype i = first; i < last; ++i) {
        const QSize s = m_items[i]->sizeHint();
        m_items[i]->setGeometry({QPoint(x, y + (lineHeight - s.height()) / 2), s});
        x += s.width() + spacing();
      }
    }
    y += lineHeight + spacing();
    first = last;
  }
  return m_items.isEmpty() ? 0 : y - spacing() - rect.y();
}
