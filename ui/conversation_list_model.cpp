#include "ui/conversation_list_model.h"

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_items.size()) return {};
  const Conversation& c = m_items.at(index.row());
  switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
      return c.title.isEmpty() ? tr("New chat") : c.title;
    case Qt::ToolTipRole:
      return tr("%1\n%2").arg(
          QLocale().toString(c.updated.toLocalTime(), QLocale::ShortFormat),
          c.messages.size() == 1 ? tr("1 message") : tr("%1 messages").arg(c.messages.size()));
    case IdRole:
      return c.id;
    case UpdatedRole:
      return c.updated;
    default:
      return {};
  }
}

bool ConversationListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole) return false;
  const QString title = value.toString().simplified();
  if (title.isEmpty()) return false;
  Conversation& c = m_items[index.row()];
  c.title = title;
  c.titleEdited = true;
  emit dataChanged(index, index);
  emit renamed(index.row());
  return true;
}

Qt::ItemFlags ConversationListModel::flags(const QModelIndex& index) const {
  return QAbstractListModel::flags(index) | Qt::ItemIsEditable;
}

void ConversationListModel::setConversations(const QList<Conversation>& conversations) {
  beginResetModel();
  m_items = conversations;
  endResetModel();
}

void ConversationListModel::prepend(const Conversation& conversation) {
  beginInsertRows({}, 0, 0);
  m_items.prepend(conversation);
  endInsertRows();
}

void ConversationListModel::removeAt(int row) {
  beginRemoveRows({}, row, row);
  m_items.removeAt(row);
  endRemoveRows();
}

int ConversationListModel::rowOf(const QString& id) const {
  for (int i = 0; i < m_items.size(); ++i)
    if (m_items[i].id == id) return i;
  return -1;
}

void ConversationListModel::update(int row, const Conversation& conversation) {
  const bool titleChanged = m_items[row].title != conversation.title;
  m_items[row] = conversation;
  if (titleChanged) emit dataChanged(index(row), index(row));
}
