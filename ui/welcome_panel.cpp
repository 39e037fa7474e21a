#include "ui/welcome_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

// A card is a flat button holding a title and a description.
QPushButton* makeCard(const SampleCard& card, QWidget* parent) {
  auto* button = new QPushButton(parent);
  button->setObjectName(QStringLiteral("sampleCard"));
  button->setAccessibleName(card.title);
  button->setAccessibleDescription(card.description);
  button->setCursor(Qt::PointingHandCursor);
  button->setMinimumSize(200, 120);
  button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  button->setStyleSheet(
      QStringLiteral("QPushButton#sampleCard { text-align: left; border: 1px solid palette(mid); "
                     "border-radius: 10px;"
                     " background: palette(base); padding: 12px; }"
                     "QPushButton#sampleCard:hover, QPushButton#sampleCard:focus { border: 2px "
                     "solid palette(highlight); }"));
  auto* layout = new QVBoxLayout(button);
  layout->setContentsMargins(14, 12, 14, 12);
  auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(card.title.toHtmlEscaped()), button);
  title->setWordWrap(true);  // long titles in other languages
  auto* text = new QLabel(card.description, button);
  text->setWordWrap(true);
  auto* hint =
      new QLabel(card.action == SampleCard::Action::Builder ? WelcomePanel::tr("Open the builder →")
                                                            : WelcomePanel::tr("Try it →"),
                 button);
  // A style sheet, not a palette: the card's own style sheet would override a palette.
  hint->setStyleSheet(QStringLiteral("color: palette(highlight);"));
  for (QLabel* l : {title, text, hint}) l->setAttribute(Qt::WA_TransparentForMouseEvents);
  layout->addWidget(title);
  layout->addWidget(text, 1);
  layout->addWidget(hint);
  return button;
}

}  // namespace

WelcomePanel::WelcomePanel(QWidget* parent) : QWidget(parent), m_status(new QLabel(this)) {
  setObjectName(QStringLiteral("welcomePanel"));
  auto* title = new QLabel(QStringLiteral("<h1>%1</h1>").arg(tr("Flamingo Chat")), this);
  auto* intro = new QLabel(tr("Talk with a visual language model about images and videos. Put "
                              "pictures in your message where the model should look at them, and "
                              "give a few examples before a question to teach it a new task."),
                           this);
  intro->setWordWrap(true);
  intro->setAlignment(Qt::AlignHCenter);
  m_status->setObjectName(QStringLiteral("welcomeText"));
  m_status->setWordWrap(true);
  m_status->setAlignment(Qt::AlignHCenter);
  m_status->setTextFormat(Qt::RichText);
  m_grid = new QGridLayout;
  m_grid->setSpacing(12);

  auto* column = new QVBoxLayout;
  column->addStretch(1);
  column->addWidget(title, 0, Qt::AlignHCenter);
  column->addWidget(intro);
  column->addSpacing(8);
  column->addWidget(m_status);
  column->addSpacing(16);
  column->addLayout(m_grid);
  column->addStretch(2);
  // Keep the text at a readable width on wide windows.
  auto* outer = new QHBoxLayout(this);
  outer->addStretch(1);
  outer->addLayout(column, 6);
  outer->addStretch(1);
  setCards(SampleCards::builtIn());
}

void WelcomePanel::setModelStatus(const QString& text) { m_status->setText(text); }

void WelcomePanel::setCards(const QList<SampleCard>& cards) {
  qDeleteAll(m_cards);
  m_cards.clear();
  for (int i = 0; i < cards.size(); ++i) {
    QPushButton* card = makeCard(cards[i], this);
    connect(card, &QPushButton::clicked, this, [this, c = cards[i]] { emit cardActivated(c); });
    m_grid->addWidget(card, i / 3, i % 3);
    m_cards.append(card);
  }
}
