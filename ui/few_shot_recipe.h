#pragma once
// A few-shot episode (Flamingo, section 3): example rows, each a medium and its
// expected output, then a query the model answers. The recipe turns them into the
// exact interleaved prompt, text with <image> markers plus the media in the same
// order, and saves itself as JSON. No widgets here, so it is tested on its own.
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

struct FewShotRow {
  QString mediaPath;  // may be empty: the row's <image> marker is then left out
  QString question;   // fills {question}; unused by templates without it
  QString answer;     // fills {answer}; ignored for the query row

  bool operator==(const FewShotRow& o) const {
    return mediaPath == o.mediaPath && question == o.question && answer == o.answer;
  }
};

struct FewShotPrompt {
  QString text;            // exactly what the model reads, special tokens included
  QStringList mediaPaths;  // one per <image> marker, in order
};

Q_DECLARE_METATYPE(FewShotPrompt)

class FewShotRecipe {
  Q_DECLARE_TR_FUNCTIONS(FewShotRecipe)

 public:
  enum class Kind { Captioning, Vqa, Custom };

  // OpenFlamingo's evaluation prompts (open_flamingo/eval): the template of one example.
  static QString builtInTemplate(Kind kind);

  Kind kind() const { return m_kind; }
  void setKind(Kind kind) { m_kind = kind; }
  // Used when kind() is Custom; must contain {answer}.
  QString customTemplate() const { return m_customTemplate; }
  void setCustomTemplate(const QString& t) { m_customTemplate = t; }
  QString exampleTemplate() const;

  QList<FewShotRow>& rows() { return m_rows; }
  const QList<FewShotRow>& rows() const { return m_rows; }
  FewShotRow& query() { return m_query; }
  const FewShotRow& query() const { return m_query; }

  // Every example filled in with its answer, then the query cut just before its
  // answer so that the model writes it: "<image>Output: dax<|endofchunk|><image>Output:".
  FewShotPrompt build() const;
  // Why the recipe cannot run yet, in the user's words; empty when it can.
  QString problem() const;

  // Media paths are written relative to `baseDir` (the recipe file's folder), so a
  // recipe saved beside its media travels with them.
  QJsonObject toJson(const QString& baseDir) const;
  static FewShotRecipe fromJson(const QJsonObject& json, const QString& baseDir);
  bool save(const QString& path, QString* error = nullptr) const;
  static bool load(const QString& path, FewShotRecipe* recipe, QString* error = nullptr);

  bool operator==(const FewShotRecipe& o) const;

 private:
  Kind m_kind = Kind::Captioning;
  QString m_customTemplate = QStringLiteral("<image>{question} {answer}<|endofchunk|>");
  QList<FewShotRow> m_rows;
  FewShotRow m_query;
};
