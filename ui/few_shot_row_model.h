#pragma once
// The builder's example rows as a table: medium, question, expected output. Rows
// are reordered by dragging them and added by dropping image or video files (each
// file a row). The model owns the recipe and signals every change.
#include <QAbstractTableModel>
#include <QHash>

#include "ui/few_shot_recipe.h"

class FewShotRowModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { MediaColumn, QuestionColumn, AnswerColumn, ColumnCount };

  explicit FewShotRowModel(QObject* parent = nullptr);

  const FewShotRecipe& recipe() const { return m_recipe; }
  void setRecipe(const FewShotRecipe& recipe);
  void setKind(FewShotRecipe::Kind kind);
  void setCustomTemplate(const QString& text);
  void setQuery(const FewShotRow& query);

  // Adds one row per media file at `row` (the end when -1); returns the files refused.
  QStringList addFiles(const QStringList& paths, int row = -1, QStringList* problems = nullptr);
  void removeRowAt(int row);
  bool moveRowTo(int from, int to);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  Qt::DropActions supportedDropActions() const override;
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                       const QModelIndex& parent) const override;
  bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                    const QModelIndex& parent) override;

 signals:
  void recipeChanged();
  void refused(const QString& message);

 private:
  bool isVideo(const QString& path) const;

  FewShotRecipe m_recipe;
  mutable QHash<QString, bool> m_isVideo;  // media_kind reads the file: ask once
};
