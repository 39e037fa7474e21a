#pragma once
// The "try this" cards of the welcome panel. They come from samples.json beside
// the bundled sample media when it exists, and otherwise from built-in cards that
// explain what to do, so the panel lights up by itself once samples are shipped.
//
// samples.json: {"cards": [{"title": "...", "description": "...",
//   "action": "chat" | "builder", "text": "<image>Output:", "media": ["a.png"],
//   "recipe": "episode.json", "template": "captioning" | "vqa"}]}
// Paths are relative to the file's folder.
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

struct SampleCard {
  enum class Action { Chat, Builder };
  QString title;
  QString description;
  Action action = Action::Chat;
  QString text;          // chat: the prompt, <image> where each medium goes
  QStringList media;     // chat: absolute paths
  QString recipe;        // builder: a recipe to load (absolute), or empty
  QString templateName;  // builder without recipe: "captioning" or "vqa"
};

class SampleCards {
  Q_DECLARE_TR_FUNCTIONS(SampleCards)

 public:
  // The folder holding samples.json: installed, then the source tree.
  static QString samplesDir();
  static QList<SampleCard> load(const QString& dir);
  static QList<SampleCard> builtIn();
};
