#include "ui/composer_edit.h"

#include <QAbstractTextDocumentLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QMimeData>
#include <QTextBlock>
#include <QTextCursor>

#include "ui/attachment_object.h"
#include "ui/media_files.h"

namespace {
const QString kComposerMime = QStringLiteral("application/x-flamingo-composer");
}

ComposerEdit::ComposerEdit(QWidget* parent) : QTextEdit(parent) {
  setObjectName(QStringLiteral("composerEdit"));
  setAcceptRichText(false);
  setTabChangesFocus(true);
  setAccessibleName(tr("Message"));
  setAccessibleDescription(tr("Enter sends, Shift+Enter starts a new line"));
  setPlaceholderText(tr("Type a message, drop images or videos here…"));
  document()->documentLayout()->registerHandler(AttachmentObject::kType,
                                                new AttachmentObject(this));
}

QSize ComposerEdit::sizeHint() const {
  return {QTextEdit::sizeHint().width(), fontMetrics().lineSpacing() * 3 + 16};
}

void ComposerEdit::insertAttachment(const MediaRef& media) {
  QTextCharFormat format;
  format.setObjectType(AttachmentObject::kType);
  format.setProperty(AttachmentObject::PathProperty, media.path);
  format.setProperty(AttachmentObject::NameProperty, media.name);
  format.setProperty(AttachmentObject::VideoProperty, media.video);
  QTextCursor cursor = textCursor();
  cursor.insertText(QString(QChar::ObjectReplacementCharacter), format);
  // Typing after a chip must not continue in the chip's format.
  cursor.setCharFormat(QTextCharFormat());
  setTextCursor(cursor);
}

template <typename Visit>
void ComposerEdit::forEachChip(Visit&& visit) const {
  int ordinal = 0;
  for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (fragment.charFormat().objectType() != AttachmentObject::kType) continue;
      // One fragment may hold several equal chips in a row.
      for (int i = 0; i < fragment.length(); ++i)
        visit(ordinal++, fragment.position() + i, fragment.charFormat());
    }
  }
}

QList<MediaRef> ComposerEdit::attachments() const {
  QList<MediaRef> list;
  forEachChip([&](int, int, const QTextCharFormat& f) {
    list.append({f.property(AttachmentObject::PathProperty).toString(),
                 f.property(AttachmentObject::NameProperty).toString(),
                 f.property(AttachmentObject::VideoProperty).toBool()});
  });
  return list;
}

void ComposerEdit::removeAttachment(int ordinal) {
  int position = -1;
  forEachChip([&](int n, int pos, const QTextCharFormat&) {
    if (n == ordinal) position = pos;
  });
  if (position < 0) return;
  QTextCursor cursor(document());
  cursor.setPosition(position);
  cursor.setPosition(position + 1, QTextCursor::KeepAnchor);
  cursor.removeSelectedText();
}

QString ComposerEdit::composedText() const {
  QString text;
  for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
    if (block != document()->begin()) text += QLatin1Char('\n');
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (fragment.charFormat().objectType() == AttachmentObject::kType)
        text += kImageMarker.repeated(fragment.length());
      else
        text += fragment.text();
    }
  }
  // QTextDocument's line separator (Shift+Enter in some styles) is a newline here.
  text.replace(QChar::LineSeparator, QLatin1Char('\n'));
  return text;
}

void ComposerEdit::setComposed(const QString& text, const QList<MediaRef>& media) {
  clear();
  const QStringList parts = text.split(kImageMarker);
  for (int i = 0; i < parts.size(); ++i) {
    textCursor().insertText(parts[i], QTextCharFormat());
    if (i < parts.size() - 1 && i < media.size()) insertAttachment(media[i]);
  }
}

bool ComposerEdit::isEmptyMessage() const { return document()->isEmpty(); }

void ComposerEdit::keyPressEvent(QKeyEvent* event) {
  const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
  if (enter && (event->modifiers() & Qt::ShiftModifier)) {
    textCursor().insertText(QStringLiteral("\n"), QTextCharFormat());
    return;
  }
  if (enter) {
    emit sendRequested();
    return;
  }
  if (event->key() == Qt::Key_Up && event->modifiers() == Qt::NoModifier && isEmptyMessage()) {
    emit editLastRequested();
    return;
  }
  QTextEdit::keyPressEvent(event);
}

QMimeData* ComposerEdit::createMimeDataFromSelection() const {
  // The selection as text with markers plus its media, so that cutting and pasting
  // or dragging a chip inside the composer moves the chip instead of losing it.
  const QTextCursor cursor = textCursor();
  QJsonArray media;
  QString text;
  for (int pos = cursor.selectionStart(); pos < cursor.selectionEnd(); ++pos) {
    QTextCursor c(document());
    c.setPosition(pos + 1);  // the format of the character before the cursor
    const QTextCharFormat f = c.charFormat();
    const QChar ch = document()->characterAt(pos);
    if (ch == QChar::ObjectReplacementCharacter && f.objectType() == AttachmentObject::kType) {
      text += kImageMarker;
      media.append(QJsonArray{f.property(AttachmentObject::PathProperty).toString(),
                              f.property(AttachmentObject::NameProperty).toString(),
                              f.property(AttachmentObject::VideoProperty).toBool()});
    } else {
      text += ch == QChar::ParagraphSeparator ? QChar(QLatin1Char('\n')) : ch;
    }
  }
  auto* data = new QMimeData;
  data->setText(text);
  data->setData(kComposerMime, QJsonDocument(QJsonObject{{QStringLiteral("text"), text},
                                                         {QStringLiteral("media"), media}})
                                   .toJson(QJsonDocument::Compact));
  return data;
}

bool ComposerEdit::canInsertFromMimeData(const QMimeData* source) const {
  return source->hasUrls() || source->hasImage() || source->hasText();
}

void ComposerEdit::insertFromMimeData(const QMimeData* source) {
  if (source->hasFormat(kComposerMime)) {
    const QJsonObject o = QJsonDocument::fromJson(source->data(kComposerMime)).object();
    const QStringList parts = o.value(QStringLiteral("text")).toString().split(kImageMarker);
    const QJsonArray media = o.value(QStringLiteral("media")).toArray();
    for (int i = 0; i < parts.size(); ++i) {
      textCursor().insertText(parts[i], QTextCharFormat());
      if (i + 1 < parts.size() && i < media.size()) {
        const QJsonArray m = media[i].toArray();
        insertAttachment({m[0].toString(), m[1].toString(), m[2].toBool()});
      }
    }
    return;
  }
  // A drop moves the cursor to where it lands first, so chips appear right there.
  const QStringList files = MediaFiles::localFiles(source);
  if (!files.isEmpty()) {
    emit filesOffered(files);
  } else if (source->hasImage()) {
    emit imagePasted(qvariant_cast<QImage>(source->imageData()));
  } else if (source->hasText()) {
    // Object characters from elsewhere are not chips: drop them.
    QString text = source->text();
    text.remove(QChar::ObjectReplacementCharacter);
    textCursor().insertText(text, QTextCharFormat());
  }
}
