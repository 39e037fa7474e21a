#pragma once
// The list of conversations: search by title, new, rename (in place), delete and
// export from the context menu.
#include <QWidget>

class ConversationListModel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;

class Sidebar : public QWidget {
  Q_OBJECT

 public:
  explicit Sidebar(ConversationListModel* model, QWidget* parent = nullptr);

  void select(const QString& id);
  void focusSearch();
  void renameCurrent();
  QLineEdit* search() const { return m_search; }
  QListView* list() const { return m_list; }

 signals:
  void conversationActivated(const QString& id);
  void newRequested();
  void deleteRequested(const QString& id);
  void exportRequested(const QString& id);

 private:
  QString idAt(const QPoint& pos) const;
  void showMenu(const QPoint& pos);

  QSortFilterProxyModel* m_proxy;
  QLineEdit* m_search;
  QListView* m_list;
};
