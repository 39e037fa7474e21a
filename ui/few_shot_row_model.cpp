#include "ui/few_shot_row_model.h"

#include <QFileInfo>
#include <QMimeData>

#include "ui/media_files.h"
#include "ui/thumbnail_cache.h"

namespace {
const QString kRowMime = QStringLiteral("application/x-flamingo-few-shot-row");
}

FewShotRowModel::FewShotRowModel(QObject* parent) : QAbstractTableModel(parent) {
  // Thumbnails arrive later: repaint the media column when one is ready.
  connect(ThumbnailCache::instance(), &ThumbnailCache::ready, this, [this](const QString& path) {
    for (int r = 0; r < m_recipe.rows().size(); ++r)
      if (m_recipe.rows()[r].mediaPath == path)
        emit dataChanged(index(r, MediaColumn), index(r, MediaColumn));
  });
}

void FewShotRowModel::setRecipe(const FewShotRecipe& recipe) {
  beginResetModel();
  m_recipe = recipe;
  endResetModel();
  emit recipeChanged();
}

void FewShotRowModel::setKind(FewShotRecipe::Kind kind) {
  m_recipe.setKind(kind);
  emit headerDataChanged(Qt::Horizontal, QuestionColumn, AnswerColumn);
  emit recipeChanged();
}

void FewShotRowModel::setCustomTemplate(const QString& text) {
  m_recipe.setCustomTemplate(text);
  emit recipeChanged();
}

void FewShotRowModel::setQuery(const FewShotRow& query) {
  m_recipe.query() = query;
  emit recipeChanged();
}

QStringList FewShotRowModel::addFiles(const QStringList& paths, int row, QStringList* problems) {
  QList<FewShotRow> rows;
  QStringList refusedFiles;
  for (const QString& path : paths) {
    const MediaCheck check = MediaFiles::check(path);
    if (check.ok) {
      rows.append({QFileInfo(path).absoluteFilePath(), {}, {}});
    } else {
      refusedFiles << path;
      if (problems) problems->append(check.error);
    }
  }
  if (row < 0 || row > m_recipe.rows().size()) row = static_cast<int>(m_recipe.rows().size());
  if (!rows.isEmpty()) {
    beginInsertRows({}, row, row + static_cast<int>(rows.size()) - 1);
    for (int i = 0; i < rows.size(); ++i) m_recipe.rows().insert(row + i, rows[i]);
    endInsertRows();
    emit recipeChanged();
  }
  return refusedFiles;
}

void FewShotRowModel::removeRowAt(int row) {
  if (row < 0 || row >= m_recipe.rows().size()) return;
  beginRemoveRows({}, row, row);
  m_recipe.rows().removeAt(row);
  endRemoveRows();
  emit recipeChanged();
}

bool FewShotRowModel::moveRowTo(int from, int to) {
  const int n = static_cast<int>(m_recipe.rows().size());
  if (from < 0 || from >= n || to < 0 || to > n || to == from || to == from + 1) return false;
  // Qt's convention: `to` is the row the moved one will stand before.
  if (!beginMoveRows({}, from, from, {}, to)) return false;
  m_recipe.rows().move(from, to > from ? to - 1 : to);
  endMoveRows();
  emit recipeChanged();
  return true;
}

int FewShotRowModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_recipe.rows().size());
}

int FewShotRowModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant FewShotRowModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const FewShotRow& row = m_recipe.rows().at(index.row());
  switch (index.column()) {
    case MediaColumn:
      if (role == Qt::DisplayRole) return QFileInfo(row.mediaPath).fileName();
      if (role == Qt::ToolTipRole) return row.mediaPath;
      if (role == Qt::DecorationRole && !row.mediaPath.isEmpty()) {
        if (const Thumbnail* t =
                ThumbnailCache::instance()->find(row.mediaPath, isVideo(row.mediaPath)))
          if (!t->image.isNull())
            return t->image.scaled(48, 48, Qt::KeepAspectRatio, Qt::SmoothTransformation);
      }
      return {};
    case QuestionColumn:
      if (role == Qt::DisplayRole || role == Qt::EditRole) return row.question;
      return {};
    case AnswerColumn:
      if (role == Qt::DisplayRole || role == Qt::EditRole) return row.answer;
      return {};
  }
  return {};
}

bool FewShotRowModel::isVideo(const QString& path) const {
  auto it = m_isVideo.constFind(path);
  if (it == m_isVideo.constEnd()) it = m_isVideo.insert(path, MediaFiles::check(path).video);
  return *it;
}

QVariant FewShotRowModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return section + 1;
  switch (section) {
    case MediaColumn:
      return tr("Image or clip");
    case QuestionColumn:
      return tr("Question");
    case AnswerColumn:
      return tr("Expected output");
  }
  return {};
}

bool FewShotRowModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole || index.column() == MediaColumn) return false;
  FewShotRow& row = m_recipe.rows()[index.row()];
  (index.column() == QuestionColumn ? row.question : row.answer) = value.toString();
  emit dataChanged(index, index);
  emit recipeChanged();
  return true;
}

Qt::ItemFlags FewShotRowModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index) | Qt::ItemIsDropEnabled;
  if (!index.isValid()) return f;
  f |= Qt::ItemIsDragEnabled;
  if (index.column() != MediaColumn) f |= Qt::ItemIsEditable;
  return f;
}

Qt::DropActions FewShotRowModel::supportedDropActions() const {
  return Qt::MoveAction | Qt::CopyAction;
}

QStringList FewShotRowModel::mimeTypes() const {
  return {kRowMime, QStringLiteral("text/uri-list")};
}

QMimeData* FewShotRowModel::mimeData(const QModelIndexList& indexes) const {
  if (indexes.isEmpty()) return nullptr;
  auto* data = new QMimeData;
  data->setData(kRowMime, QByteArray::number(indexes.first().row()));
  return data;
}

bool FewShotRowModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int,
                                      const QModelIndex&) const {
  return data->hasFormat(kRowMime) || !MediaFiles::localFiles(data).isEmpty();
}

bool FewShotRowModel::dropMimeData(const QMimeData* data, Qt::DropAction, int row, int,
                                   const QModelIndex& parent) {
  // Dropped onto a row: land before it; onto the empty area: at the end.
  if (row < 0) row = parent.isValid() ? parent.row() : rowCount();
  if (data->hasFormat(kRowMime)) {
    moveRowTo(data->data(kRowMime).toInt(), row);
    // Moved here already: returning false keeps the view from removing the source row.
    return false;
  }
  QStringList problems;
  addFiles(MediaFiles::localFiles(data), row, &problems);
  if (!problems.isEmpty()) emit refused(problems.join(QLatin1Char('\n')));
  return true;
}
