#include "ui/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

#include "core/paths.h"

namespace {

QDoubleSpinBox* doubleBox(double min, double max, double step, double value, int decimals = 2) {
  auto* box = new QDoubleSpinBox;
  box->setRange(min, max);
  box->setSingleStep(step);
  box->setDecimals(decimals);
  box->setValue(value);
  return box;
}

QSpinBox* intBox(int min, int max, int value) {
  auto* box = new QSpinBox;
  box->setRange(min, max);
  box->setValue(value);
  return box;
}

}  // namespace

SettingsDialog::SettingsDialog(const AppSettings& settings, QWidget* parent)
    : QDialog(parent), m_settings(settings) {
  setWindowTitle(tr("Settings"));
  auto* tabs = new QTabWidget(this);
  tabs->addTab(createModelPage(), tr("Model"));
  tabs->addTab(createGenerationPage(), tr("Generation"));
  tabs->addTab(createInterfacePage(), tr("Interface"));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(tabs);
  layout->addWidget(buttons);
}

QWidget* SettingsDialog::createModelPage() {
  auto* page = new QWidget;
  m_models = new QListWidget(page);
  m_models->setAccessibleName(tr("Model directories"));
  const QString bundled = QString::fromStdString(flamingo::bundled_model_dir());
  if (!bundled.isEmpty()) {
    // The bundled model is always offered and cannot be removed.
    auto* item = new QListWidgetItem(tr("%1 (bundled)").arg(bundled), m_models);
    item->setData(Qt::UserRole, QString());
    item->setFlags(item->flags() & ~Qt::ItemIsSelectable);
  }
  for (const QString& dir : m_settings.modelDirs) new QListWidgetItem(dir, m_models);
  auto* add = new QPushButton(tr("Add…"), page);
  auto* remove = new QPushButton(tr("Remove"), page);
  connect(add, &QPushButton::clicked, this, &SettingsDialog::addModelDir);
  connect(remove, &QPushButton::clicked, this, [this] {
    QListWidgetItem* item = m_models->currentItem();
    if (item && item->flags() & Qt::ItemIsSelectable) delete item;
  });
  m_device = new QComboBox(page);
  m_device->setObjectName(QStringLiteral("device"));
  m_device->setAccessibleName(tr("Device"));
  m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
  m_device->addItem(tr("CUDA GPU (needs a CUDA build of LibTorch)"), QStringLiteral("cuda"));
  // Greyed out: this build's LibTorch is CPU-only; the engine says so if asked anyway.
  if (auto* model = qobject_cast<QStandardItemModel*>(m_device->model()))
    model->item(1)->setEnabled(false);
  m_device->setCurrentIndex(qMax(0, m_device->findData(m_settings.load.device)));
  m_threads = intBox(0, QThread::idealThreadCount() * 2, m_settings.load.threads);
  m_threads->setSpecialValueText(tr("Automatic"));

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch();
  auto* form = new QFormLayout;
  form->addRow(tr("Device:"), m_device);
  form->addRow(tr("Threads:"), m_threads);
  auto* layout = new QVBoxLayout(page);
  layout->addWidget(new QLabel(tr("Model directories:"), page));
  layout->addWidget(m_models);
  layout->addLayout(buttons);
  layout->addLayout(form);
  layout->addWidget(
      new QLabel(tr("Device and threads apply when the model is next loaded."), page));
  return page;
}

QWidget* SettingsDialog::createGenerationPage() {
  const GenerationSettings& g = m_settings.generation;
  auto* page = new QWidget;
  m_temperature = doubleBox(0, 2, 0.05, g.temperature);
  m_temperature->setToolTip(tr("0 always picks the most likely token"));
  m_topK = intBox(0, 1000, g.topK);
  m_topK->setSpecialValueText(tr("Off"));
  m_topP = doubleBox(0.05, 1, 0.05, g.topP);
  m_repetition = doubleBox(1, 2, 0.05, g.repetitionPenalty);
  m_maxTokens = intBox(1, 8192, g.maxNewTokens);
  m_seed = intBox(0, 1 << 30, static_cast<int>(g.seed));
  m_seed->setSpecialValueText(tr("Random"));
  m_fps = doubleBox(0.1, 30, 0.5, g.videoFps, 1);
  m_frames = intBox(1, 64, g.maxFrames);
  auto* form = new QFormLayout(page);
  form->addRow(tr("Temperature:"), m_temperature);
  form->addRow(tr("Top-k:"), m_topK);
  form->addRow(tr("Top-p:"), m_topP);
  form->addRow(tr("Repetition penalty:"), m_repetition);
  form->addRow(tr("Max new tokens:"), m_maxTokens);
  form->addRow(tr("Seed:"), m_seed);
  form->addRow(tr("Video frames per second:"), m_fps);
  form->addRow(tr("Video max frames:"), m_frames);
  return page;
}

QWidget* SettingsDialog::createInterfacePage() {
  auto* page = new QWidget;
  m_language = new QComboBox(page);
  m_language->addItem(tr("System language"), QString());
  m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
  m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
  m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
  m_language->setCurrentIndex(qMax(0, m_language->findData(m_settings.language)));
  auto* form = new QFormLayout(page);
  form->addRow(tr("Language:"), m_language);
  form->addRow(QString(), new QLabel(tr("A new language applies after a restart."), page));
  form->addRow(tr("Theme:"), new QLabel(tr("Follows the system (colours and font size)."), page));
  return page;
}

void SettingsDialog::addModelDir() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a model directory"));
  if (!dir.isEmpty()) new QListWidgetItem(dir, m_models);
}

AppSettings SettingsDialog::settings() const {
  AppSettings s = m_settings;
  s.modelDirs.clear();
  for (int i = 0; i < m_models->count(); ++i)
    if (m_models->item(i)->flags() & Qt::ItemIsSelectable) s.modelDirs << m_models->item(i)->text();
  s.load.device = m_device->currentData().toString();
  s.load.threads = m_threads->value();
  GenerationSettings& g = s.generation;
  g.temperature = m_temperature->value();
  g.topK = m_topK->value();
  g.topP = m_topP->value();
  g.repetitionPenalty = m_repetition->value();
  g.maxNewTokens = m_maxTokens->value();
  g.seed = static_cast<quint64>(m_seed->value());
  g.videoFps = m_fps->value();
  g.maxFrames = m_frames->value();
  s.language = m_language->currentData().toString();
  return s;
}
