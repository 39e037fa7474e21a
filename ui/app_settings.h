#pragma once
// The user's settings, read from and written to QSettings in one place, handed
// whole to whoever needs them.
#include <QString>
#include <QStringList>

#include "ui/inference_types.h"

struct AppSettings {
  QStringList modelDirs;  // added by the user; the bundled model is always offered too
  QString activeModel;    // the directory last chosen; empty: the first available
  LoadSettings load;
  GenerationSettings generation;
  QString language;  // empty: the system's; otherwise "en", "de", "zh_CN"

  static AppSettings read();
  void write() const;
  // The bundled model (if any), the user's directories, then every model directory
  // in modelsFolder(), without repeats.
  QStringList availableModels() const;
  // Where converted models can be put to be listed: <AppDataLocation>/models.
  static QString modelsFolder();
  // The "name" of the model's config.json, or else the directory's name.
  static QString modelName(const QString& dir);
};
