#pragma once
// Draws an attachment inside the composer's text as a small chip, so that where the
// chip sits is where the model reads its <image>. Each chip is one object character
// whose format carries the file.
#include <QObject>
#include <QTextFormat>
#include <QTextObjectInterface>

class AttachmentObject : public QObject, public QTextObjectInterface {
  Q_OBJECT
  Q_INTERFACES(QTextObjectInterface)

 public:
  static constexpr int kType = QTextFormat::UserObject + 1;
  enum Property { PathProperty = QTextFormat::UserProperty + 1, NameProperty, VideoProperty };

  using QObject::QObject;

  QSizeF intrinsicSize(QTextDocument* doc, int pos, const QTextFormat& format) override;
  void drawObject(QPainter* painter, const QRectF& rect, QTextDocument* doc, int pos,
                  const QTextFormat& format) override;

 private:
  static QString label(const QTextFormat& format);
};
