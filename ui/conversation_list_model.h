#pragma once
// Every conversation, newest first. The GUI thread owns it alone and changes it
// only in answer to the user or to a worker signal; views see each change through
// the usual model signals. The sidebar shows titles; the chat view shows one
// conversation's messages (ChatController).
#include <QAbstractListModel>
#include <QList>

#include "ui/conversation.h"

class ConversationListModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Roles { IdRole = Qt::UserRole + 1, UpdatedRole };

  explicit ConversationListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;

  void setConversations(const QList<Conversation>& conversations);
  void prepend(const Conversation& conversation);
  void removeAt(int row);
  int rowOf(const QString& id) const;
  const Conversation& at(int row) const { return m_items.at(row); }
  const QList<Conversation>& all() const { return m_items; }
  // Replaces a conversation's content; the row keeps its place.
  void update(int row, const Conversation& conversation);

 signals:
  // A title changed by editing it in a view (rename).
  void renamed(int row);

 private:
  QList<Conversation> m_items;
};
