#pragma once
// What an empty chat shows: what Flamingo does, whether a model is ready, and two
// or three "try this" cards that load an example into the composer or the builder.
#include <QWidget>

#include "ui/sample_cards.h"

class QLabel;
class QGridLayout;

class WelcomePanel : public QWidget {
  Q_OBJECT

 public:
  explicit WelcomePanel(QWidget* parent = nullptr);

  void setModelStatus(const QString& text);
  void setCards(const QList<SampleCard>& cards);
  int cardCount() const { return static_cast<int>(m_cards.size()); }

 signals:
  void cardActivated(const SampleCard& card);

 private:
  QLabel* m_status;
  QGridLayout* m_grid;
  QList<QWidget*> m_cards;
};
