#include "ui/few_shot_builder.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/few_shot_row_model.h"
#include "ui/media_files.h"
#include "ui/thumbnail_cache.h"

FewShotBuilder::FewShotBuilder(QWidget* parent)
    : QWidget(parent),
      m_model(new FewShotRowModel(this)),
      m_template(new QComboBox(this)),
      m_custom(new QLineEdit(this)),
      m_table(new QTableView(this)),
      m_preview(new QPlainTextEdit(this)),
      m_problem(new QLabel(this)) {
  setObjectName(QStringLiteral("fewShotBuilder"));
  setAcceptDrops(true);
  m_template->addItem(tr("Captioning: <image>Output: {answer}"),
                      int(FewShotRecipe::Kind::Captioning));
  m_template->addItem(tr("Question / short answer (VQA)"), int(FewShotRecipe::Kind::Vqa));
  m_template->addItem(tr("Custom…"), int(FewShotRecipe::Kind::Custom));
  m_template->setAccessibleName(tr("Prompt template"));
  m_custom->setAccessibleName(tr("Custom template"));
  m_custom->setPlaceholderText(tr("Use {question} and {answer}; <image> marks the medium"));
  connect(m_template, &QComboBox::currentIndexChanged, this,
          [this] { m_model->setKind(FewShotRecipe::Kind(m_template->currentData().toInt())); });
  connect(m_custom, &QLineEdit::textEdited, m_model, &FewShotRowModel::setCustomTemplate);

  m_table->setModel(m_model);
  m_table->setAccessibleName(tr("Examples"));
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->setDragDropMode(QAbstractItemView::DragDrop);
  m_table->setDefaultDropAction(Qt::MoveAction);
  m_table->setDragDropOverwriteMode(false);
  m_table->setDropIndicatorShown(true);
  m_table->setIconSize({48, 48});
  m_table->verticalHeader()->setDefaultSectionSize(54);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->setColumnWidth(FewShotRowModel::MediaColumn, 170);
  m_table->setColumnWidth(FewShotRowModel::QuestionColumn, 150);
  m_table->setToolTip(
      tr("Drop images or clips here: each one becomes an example. Drag rows to reorder."));

  m_preview->setReadOnly(true);
  m_preview->setAccessibleName(tr("Prompt preview"));
  m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  m_preview->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  m_problem->setWordWrap(true);

  auto* form = new QFormLayout;
  form->addRow(tr("Template:"), m_template);
  form->addRow(QString(), m_custom);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(new QLabel(tr("Examples (drop images or clips to add rows):"), this));
  layout->addWidget(m_table, 2);
  layout->addWidget(createQueryRow());
  layout->addWidget(new QLabel(tr("Prompt preview: exactly what the model reads"), this));
  layout->addWidget(m_preview, 1);
  layout->addWidget(m_problem);
  layout->addWidget(createButtons());

  connect(m_model, &FewShotRowModel::recipeChanged, this, &FewShotBuilder::refresh);
  connect(m_model, &FewShotRowModel::refused, this, &FewShotBuilder::refused);
  // The query's thumbnail arrives later.
  connect(ThumbnailCache::instance(), &ThumbnailCache::ready, this, [this](const QString& path) {
    if (path == m_model->recipe().query().mediaPath) refresh();
  });
  refresh();
}

QWidget* FewShotBuilder::createQueryRow() {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Query:"), row));
  m_queryMedia = new QPushButton(tr("Choose image or clip…"), row);
  m_queryMedia->setAccessibleName(tr("Query image or clip"));
  m_queryMedia->setIconSize({40, 40});
  connect(m_queryMedia, &QPushButton::clicked, this, &FewShotBuilder::chooseQuery);
  m_queryQuestion = new QLineEdit(row);
  m_queryQuestion->setPlaceholderText(tr("Question of the query"));
  m_queryQuestion->setAccessibleName(tr("Question of the query"));
  connect(m_queryQuestion, &QLineEdit::textEdited, this, [this](const QString& text) {
    FewShotRow query = m_model->recipe().query();
    query.question = text;
    m_model->setQuery(query);
  });
  layout->addWidget(m_queryMedia);
  layout->addWidget(m_queryQuestion, 1);
  return row;
}

QWidget* FewShotBuilder::createButtons() {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  auto button = [&](const QString& text, QStyle::StandardPixmap icon, auto slot) {
    auto* b = new QPushButton(style()->standardIcon(icon), text, row);
    connect(b, &QPushButton::clicked, this, slot);
    layout->addWidget(b);
    return b;
  };
  button(tr("Add…"), QStyle::SP_FileDialogNewFolder, &FewShotBuilder::chooseExamples);
  button(tr("Up"), QStyle::SP_ArrowUp, [this] {
    moveSelected(-1);
  })->setToolTip(tr("Move the example up"));
  button(tr("Down"), QStyle::SP_ArrowDown, [this] {
    moveSelected(1);
  })->setToolTip(tr("Move the example down"));
  button(tr("Remove"), QStyle::SP_TrashIcon,
         [this] { m_model->removeRowAt(m_table->currentIndex().row()); });
  layout->addStretch();
  button(tr("Save recipe…"), QStyle::SP_DialogSaveButton, &FewShotBuilder::saveRecipe);
  button(tr("Load recipe…"), QStyle::SP_DialogOpenButton, &FewShotBuilder::loadRecipe);
  m_run = button(tr("Run"), QStyle::SP_MediaPlay,
                 [this] { emit runRequested(m_model->recipe().build()); });
  m_run->setDefault(true);
  return row;
}

const FewShotRecipe& FewShotBuilder::recipe() const { return m_model->recipe(); }

void FewShotBuilder::setRecipe(const FewShotRecipe& recipe) {
  m_model->setRecipe(recipe);
  m_template->setCurrentIndex(m_template->findData(int(recipe.kind())));
  m_custom->setText(recipe.customTemplate());
  m_queryQuestion->setText(recipe.query().question);
}

void FewShotBuilder::setKind(FewShotRecipe::Kind kind) {
  m_template->setCurrentIndex(m_template->findData(int(kind)));
}

int FewShotBuilder::addExampleFiles(const QStringList& paths) {
  QStringList problems;
  const int refusedCount = static_cast<int>(m_model->addFiles(paths, -1, &problems).size());
  if (!problems.isEmpty()) emit refused(problems.join(QLatin1Char('\n')));
  return static_cast<int>(paths.size()) - refusedCount;
}

bool FewShotBuilder::setQueryMedia(const QString& path) {
  const MediaCheck check = MediaFiles::check(path);
  if (!check.ok) {
    emit refused(check.error);
    return false;
  }
  FewShotRow query = m_model->recipe().query();
  query.mediaPath = QFileInfo(path).absoluteFilePath();
  m_model->setQuery(query);
  return true;
}

QString FewShotBuilder::previewText() const { return m_preview->toPlainText(); }

void FewShotBuilder::refresh() {
  const FewShotRecipe& r = m_model->recipe();
  const bool custom = r.kind() == FewShotRecipe::Kind::Custom;
  m_custom->setVisible(custom);
  const bool asks = r.exampleTemplate().contains(QStringLiteral("{question}"));
  m_table->setColumnHidden(FewShotRowModel::QuestionColumn, !asks);
  m_queryQuestion->setVisible(asks);
  m_queryMedia->setText(r.query().mediaPath.isEmpty() ? tr("Choose image or clip…")
                                                      : QFileInfo(r.query().mediaPath).fileName());
  m_queryMedia->setIcon(QIcon());
  if (!r.query().mediaPath.isEmpty()) {
    const bool video = MediaFiles::check(r.query().mediaPath).video;
    if (const Thumbnail* t = ThumbnailCache::instance()->find(r.query().mediaPath, video))
      m_queryMedia->setIcon(QPixmap::fromImage(t->image));
  }
  const FewShotPrompt prompt = r.build();
  QString preview = prompt.text;
  if (!prompt.mediaPaths.isEmpty()) {
    preview += QStringLiteral("\n\n") + tr("Media, in the order of the <image> markers:");
    for (int i = 0; i < prompt.mediaPaths.size(); ++i)
      preview +=
          QStringLiteral("\n%1. %2").arg(i + 1).arg(QFileInfo(prompt.mediaPaths[i]).fileName());
  }
  m_preview->setPlainText(preview);
  const QString problem = r.problem();
  m_problem->setText(problem);
  m_problem->setVisible(!problem.isEmpty());
  m_run->setEnabled(problem.isEmpty());
}

void FewShotBuilder::moveSelected(int delta) {
  const int row = m_table->currentIndex().row();
  if (row < 0) return;
  // moveRowTo takes the row to land before, so a step down skips one more.
  if (m_model->moveRowTo(row, delta > 0 ? row + 2 : row - 1)) m_table->selectRow(row + delta);
}

void FewShotBuilder::chooseExamples() {
  const QStringList files =
      QFileDialog::getOpenFileNames(this, tr("Add examples"), {}, MediaFiles::dialogFilter());
  if (!files.isEmpty()) addExampleFiles(files);
}

void FewShotBuilder::chooseQuery() {
  const QString file =
      QFileDialog::getOpenFileName(this, tr("Choose the query"), {}, MediaFiles::dialogFilter());
  if (!file.isEmpty()) setQueryMedia(file);
}

void FewShotBuilder::saveRecipe() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Save recipe"), QStringLiteral("recipe.json"), tr("Few-shot recipes (*.json)"));
  QString error;
  if (!path.isEmpty() && !m_model->recipe().save(path, &error)) emit refused(error);
}

void FewShotBuilder::loadRecipe() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Load recipe"), {}, tr("Few-shot recipes (*.json)"));
  if (path.isEmpty()) return;
  FewShotRecipe recipe;
  QString error;
  if (FewShotRecipe::load(path, &recipe, &error))
    setRecipe(recipe);
  else
    emit refused(error);
}

void FewShotBuilder::dragEnterEvent(QDragEnterEvent* event) {
  if (!MediaFiles::localFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void FewShotBuilder::dropEvent(QDropEvent* event) {
  // Several files dropped at once make several example rows.
  addExampleFiles(MediaFiles::localFiles(event->mimeData()));
  event->acceptProposedAction();
}
