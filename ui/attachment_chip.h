#pragma once
// One attachment waiting in the composer: a small thumbnail, the file name and a
// remove button.
#include <QFrame>

#include "ui/conversation.h"

class AttachmentChip : public QFrame {
  Q_OBJECT

 public:
  explicit AttachmentChip(const MediaRef& media, QWidget* parent = nullptr);
  const MediaRef& media() const { return m_media; }

 signals:
  void removeRequested();

 private:
  MediaRef m_media;
};
