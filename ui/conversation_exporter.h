#pragma once
// Writes a conversation out for people: Markdown with its media copied into a
// folder beside it, or a single HTML file with the images embedded.
#include <QCoreApplication>
#include <QString>

#include "ui/conversation.h"

class ConversationExporter {
  Q_DECLARE_TR_FUNCTIONS(ConversationExporter)

 public:
  // `path`.md plus `path`'s base name + "_media/" for the media files.
  static bool writeMarkdown(const Conversation& conversation, const QString& path,
                            QString* error = nullptr);
  // Images embedded as data URLs; videos copied beside the file and linked.
  static bool writeHtml(const Conversation& conversation, const QString& path,
                        QString* error = nullptr);
};
