#pragma once
// Settings: model directories, device and threads, sampling, video sampling and
// language. The theme and font follow the system; there is nothing to set for them.
#include <QDialog>

#include "ui/app_settings.h"

class QComboBox;
class QDoubleSpinBox;
class QListWidget;
class QSpinBox;

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);
  AppSettings settings() const;

 private:
  QWidget* createModelPage();
  QWidget* createGenerationPage();
  QWidget* createInterfacePage();
  void addModelDir();

  AppSettings m_settings;
  QListWidget* m_models;
  QComboBox* m_device;
  QSpinBox* m_threads;
  QDoubleSpinBox* m_temperature;
  QSpinBox* m_topK;
  QDoubleSpinBox* m_topP;
  QDoubleSpinBox* m_repetition;
  QSpinBox* m_maxTokens;
  QSpinBox* m_seed;
  QDoubleSpinBox* m_fps;
  QSpinBox* m_frames;
  QComboBox* m_language;
};
