#include "ui/sidebar.h"

#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QVBoxLayout>

#include "ui/conversation_list_model.h"

Sidebar::Sidebar(ConversationListModel* model, QWidget* parent)
    : QWidget(parent),
      m_proxy(new QSortFilterProxyModel(this)),
      m_search(new QLineEdit(this)),
      m_list(new QListView(this)) {
  setObjectName(QStringLiteral("sidebar"));
  m_proxy->setSourceModel(model);
  m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
  m_search->setPlaceholderText(tr("Search chats (Ctrl+F)"));
  m_search->setAccessibleName(tr("Search chats by title"));
  m_search->setClearButtonEnabled(true);
  connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

  m_list->setModel(m_proxy);
  m_list->setAccessibleName(tr("Conversations"));
  m_list->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
  m_list->setContextMenuPolicy(Qt::CustomContextMenu);
  m_list->setUniformItemSizes(true);
  m_list->setFrameShape(QFrame::NoFrame);
  m_list->setStyleSheet(
      QStringLiteral("QListView::item { padding: 6px 4px; border-radius: 4px; }"
                     "QListView::item:selected { background: palette(highlight); color: "
                     "palette(highlighted-text); }"));
  connect(m_list, &QListView::customContextMenuRequested, this, &Sidebar::showMenu);
  connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid())
              emit conversationActivated(current.data(ConversationListModel::IdRole).toString());
          });

  auto* add = new QPushButton(style()->standardIcon(QStyle::SP_FileIcon), tr("New chat"), this);
  add->setToolTip(tr("Start a new conversation (Ctrl+N)"));
  connect(add, &QPushButton::clicked, this, &Sidebar::newRequested);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 8, 4, 8);
  layout->addWidget(m_search);
  layout->addWidget(m_list, 1);
  layout->addWidget(add);
}

void Sidebar::select(const QString& id) {
  const auto* model = static_cast<ConversationListModel*>(m_proxy->sourceModel());
  const int row = model->rowOf(id);
  const QModelIndex index = row >= 0 ? m_proxy->mapFromSource(model->index(row)) : QModelIndex();
  QSignalBlocker block(m_list->selectionModel());
  m_list->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
}

void Sidebar::focusSearch() {
  m_search->setFocus();
  m_search->selectAll();
}

void Sidebar::renameCurrent() {
  if (m_list->currentIndex().isValid()) m_list->edit(m_list->currentIndex());
}

QString Sidebar::idAt(const QPoint& pos) const {
  return m_list->indexAt(pos).data(ConversationListModel::IdRole).toString();
}

void Sidebar::showMenu(const QPoint& pos) {
  const QModelIndex index = m_list->indexAt(pos);
  if (!index.isValid()) return;
  const QString id = idAt(pos);
  QMenu menu(this);
  menu.addAction(tr("Rename"), this, [this, index] { m_list->edit(index); });
  menu.addAction(tr("Export…"), this, [this, id] { emit exportRequested(id); });
  menu.addSeparator();
  menu.addAction(tr("Delete"), this, [this, id] { emit deleteRequested(id); });
  menu.exec(m_list->viewport()->mapToGlobal(pos));
}
