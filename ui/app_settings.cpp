#include "ui/app_settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>

#include "core/paths.h"

AppSettings AppSettings::read() {
  QSettings s;
  AppSettings a;
  a.modelDirs = s.value(QStringLiteral("models/dirs")).toStringList();
  a.activeModel = s.value(QStringLiteral("models/active")).toString();
  a.load.device = s.value(QStringLiteral("runtime/device"), a.load.device).toString();
  a.load.threads = s.value(QStringLiteral("runtime/threads"), a.load.threads).toInt();
  GenerationSettings& g = a.generation;
  g.temperature = s.value(QStringLiteral("generation/temperature"), g.temperature).toDouble();
  g.topK = s.value(QStringLiteral("generation/topK"), g.topK).toInt();
  g.topP = s.value(QStringLiteral("generation/topP"), g.topP).toDouble();
  g.repetitionPenalty =
      s.value(QStringLiteral("generation/repetitionPenalty"), g.repetitionPenalty).toDouble();
  g.maxNewTokens = s.value(QStringLiteral("generation/maxNewTokens"), g.maxNewTokens).toInt();
  g.seed = s.value(QStringLiteral("generation/seed"), g.seed).toULongLong();
  g.videoFps = s.value(QStringLiteral("video/fps"), g.videoFps).toDouble();
  g.maxFrames = s.value(QStringLiteral("video/maxFrames"), g.maxFrames).toInt();
  a.language = s.value(QStringLiteral("ui/language")).toString();
  return a;
}

void AppSettings::write() const {
  QSettings s;
  s.setValue(QStringLiteral("models/dirs"), modelDirs);
  s.setValue(QStringLiteral("models/active"), activeModel);
  s.setValue(QStringLiteral("runtime/device"), load.device);
  s.setValue(QStringLiteral("runtime/threads"), load.threads);
  s.setValue(QStringLiteral("generation/temperature"), generation.temperature);
  s.setValue(QStringLiteral("generation/topK"), generation.topK);
  s.setValue(QStringLiteral("generation/topP"), generation.topP);
  s.setValue(QStringLiteral("generation/repetitionPenalty"), generation.repetitionPenalty);
  s.setValue(QStringLiteral("generation/maxNewTokens"), generation.maxNewTokens);
  s.setValue(QStringLiteral("generation/seed"), generation.seed);
  s.setValue(QStringLiteral("video/fps"), generation.videoFps);
  s.setValue(QStringLiteral("video/maxFrames"), generation.maxFrames);
  s.setValue(QStringLiteral("ui/language"), language);
}

QString AppSettings::modelsFolder() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
         QStringLiteral("/models");
}

QStringList AppSettings::availableModels() const {
  QStringList list;
  const QString bundled = QString::fromStdString(flamingo::bundled_model_dir());
  if (!bundled.isEmpty()) list << bundled;
  QStringList candidates = modelDirs;
  // Converted models put into the models folder are offered without configuring.
  const QDir folder(modelsFolder());
  for (const QString& sub : folder.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
    if (QFile::exists(folder.filePath(sub + QStringLiteral("/config.json"))))
      candidates << folder.filePath(sub);
  for (const QString& dir : candidates) {
    const QString clean = QDir::cleanPath(dir);
    if (!list.contains(clean)) list << clean;
  }
  return list;
}

QString AppSettings::modelName(const QString& dir) {
  QFile file(dir + QStringLiteral("/config.json"));
  if (file.open(QIODevice::ReadOnly)) {
    const QString name = QJsonDocument::fromJson(file.readAll()).object().value("name").toString();
    if (!name.isEmpty()) return name;
  }
  return QFileInfo(dir).fileName();
}
