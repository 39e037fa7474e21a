#include "ui/composer.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "ui/attachment_chip.h"
#include "ui/composer_edit.h"
#include "ui/flow_layout.h"
#include "ui/media_files.h"

Composer::Composer(QWidget* parent) : QFrame(parent), m_edit(new ComposerEdit(this)) {
  setObjectName(QStringLiteral("composer"));
  m_chips = new QWidget(this);
  m_chipLayout = new FlowLayout(6, m_chips);
  m_chips->hide();

  m_editBanner = new QWidget(this);
  auto* bannerLayout = new QHBoxLayout(m_editBanner);
  bannerLayout->setContentsMargins(0, 0, 0, 0);
  bannerLayout->addWidget(
      new QLabel(tr("Editing your message: sending replaces it and what followed."), m_editBanner),
      1);
  auto* cancel = new QPushButton(tr("Cancel editing"), m_editBanner);
  connect(cancel, &QPushButton::clicked, this, &Composer::cancelEdit);
  bannerLayout->addWidget(cancel);
  m_editBanner->hide();

  m_attach = new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Attach…"), this);
  m_attach->setToolTip(tr("Attach images or videos (Ctrl+O)"));
  m_send = new QPushButton(style()->standardIcon(QStyle::SP_ArrowForward), tr("Send"), this);
  m_send->setToolTip(tr("Send (Enter)"));
  m_send->setDefault(true);
  m_stop = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"), this);
  m_stop->setToolTip(tr("Stop the reply (Esc)"));
  m_stop->hide();
  auto* hint = new QLabel(
      tr("Enter to send · Shift+Enter for a new line · ↑ edits your last message"), this);
  hint->setObjectName(QStringLiteral("composerHint"));
  QPalette hintPalette = hint->palette();
  hintPalette.setColor(QPalette::WindowText, hintPalette.color(QPalette::PlaceholderText));
  hint->setPalette(hintPalette);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_attach);
  buttons->addWidget(hint, 1);
  buttons->addWidget(m_stop);
  buttons->addWidget(m_send);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(16, 8, 16, 10);
  layout->setSpacing(6);
  layout->addWidget(m_editBanner);
  layout->addWidget(m_chips);
  layout->addWidget(m_edit);
  layout->addLayout(buttons);

  connect(m_attach, &QPushButton::clicked, this, &Composer::attachRequested);
  connect(m_send, &QPushButton::clicked, this, &Composer::send);
  connect(m_stop, &QPushButton::clicked, this, &Composer::stopRequested);
  connect(m_edit, &ComposerEdit::sendRequested, this, &Composer::send);
  connect(m_edit, &ComposerEdit::editLastRequested, this, &Composer::editLastRequested);
  connect(m_edit, &ComposerEdit::filesOffered, this, [this](const QStringList& p) { addFiles(p); });
  connect(m_edit, &ComposerEdit::imagePasted, this, &Composer::imagePasted);
  // Chips follow the text: deleting a chip in the text removes it from the strip.
  connect(m_edit->document(), &QTextDocument::contentsChanged, this, &Composer::rebuildChips);
}

int Composer::addFiles(const QStringList& paths) {
  int added = 0;
  QStringList problems;
  for (const QString& path : paths) {
    const MediaCheck check = MediaFiles::check(path);
    if (!check.ok) {
      problems << check.error;
      continue;
    }
    m_edit->insertAttachment(
        {QFileInfo(path).absoluteFilePath(), QFileInfo(path).fileName(), check.video});
    ++added;
  }
  if (!problems.isEmpty()) emit refused(problems.join(QLatin1Char('\n')));
  if (added) m_edit->setFocus();
  return added;
}

QList<MediaRef> Composer::attachments() const { return m_edit->attachments(); }
QString Composer::composedText() const { return m_edit->composedText(); }

void Composer::setComposed(const QString& text, const QList<MediaRef>& media) {
  m_edit->setComposed(text, media);
  m_edit->setFocus();
}

void Composer::clear() {
  m_edit->clear();
  cancelEdit();
}

void Composer::setBusy(bool busy) {
  m_send->setVisible(!busy);
  m_stop->setVisible(busy);
}

void Composer::beginEdit(int index, const Message& message) {
  m_editIndex = index;
  m_edit->setComposed(message.text, message.media);
  m_editBanner->show();
  m_edit->setFocus();
}

void Composer::cancelEdit() {
  if (m_editIndex >= 0) m_edit->clear();
  m_editIndex = -1;
  m_editBanner->hide();
}

void Composer::send() {
  if (m_stop->isVisible()) return;  // a reply is still being written
  const QString text = composedText();
  if (text.trimmed().isEmpty()) return;
  QStringList paths;
  for (const MediaRef& m : attachments()) paths << m.path;
  emit sendRequested(text, paths, m_editIndex);
}

void Composer::rebuildChips() {
  const QList<MediaRef> media = attachments();
  QList<MediaRef> shown;
  for (int i = 0; i < m_chipLayout->count(); ++i)
    shown << static_cast<AttachmentChip*>(m_chipLayout->itemAt(i)->widget())->media();
  if (shown == media) return;  // typing does not rebuild the strip
  while (QLayoutItem* item = m_chipLayout->takeAt(0)) {
    // Later: the chip whose button asked for the removal is still on the stack.
    item->widget()->hide();
    item->widget()->deleteLater();
    delete item;
  }
  for (int i = 0; i < media.size(); ++i) {
    auto* chip = new AttachmentChip(media[i], m_chips);
    connect(
        chip, &AttachmentChip::removeRequested, this, [this, i] { m_edit->removeAttachment(i); },
        Qt::QueuedConnection);
    m_chipLayout->addWidget(chip);
  }
  m_chips->setVisible(!media.isEmpty());
}
