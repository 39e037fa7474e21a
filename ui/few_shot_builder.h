#pragma once
// The few-shot builder: example rows (a medium and its expected output), the query,
// a template, and a live, read-only preview of the exact prompt the model will read.
// Run sends the episode to the open chat as one turn. Recipes save and load as JSON.
#include <QWidget>

#include "ui/few_shot_recipe.h"

class FewShotRowModel;
class MediaThumbnail;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

class FewShotBuilder : public QWidget {
  Q_OBJECT

 public:
  explicit FewShotBuilder(QWidget* parent = nullptr);

  const FewShotRecipe& recipe() const;
  void setRecipe(const FewShotRecipe& recipe);
  void setKind(FewShotRecipe::Kind kind);
  // Each media file becomes an example row; the refused ones are reported.
  int addExampleFiles(const QStringList& paths);
  bool setQueryMedia(const QString& path);
  QString previewText() const;
  QTableView* table() const { return m_table; }

 signals:
  void runRequested(const FewShotPrompt& prompt);
  void refused(const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QWidget* createQueryRow();
  QWidget* createButtons();
  void chooseExamples();
  void chooseQuery();
  void saveRecipe();
  void loadRecipe();
  void refresh();
  void moveSelected(int delta);

  FewShotRowModel* m_model;
  QComboBox* m_template;
  QLineEdit* m_custom;
  QTableView* m_table;
  QPushButton* m_queryMedia;
  QLineEdit* m_queryQuestion;
  QPlainTextEdit* m_preview;
  QLabel* m_problem;
  QPushButton* m_run;
};
