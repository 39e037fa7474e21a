// MainWindow's behaviour: what happens when the user acts or the worker reports.
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>

#include "ui/chat_controller.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/composer_edit.h"
#include "ui/conversation_exporter.h"
#include "ui/conversation_list_model.h"
#include "ui/conversation_store.h"
#include "ui/few_shot_builder.h"
#include "ui/inference_client.h"
#include "ui/inline_message.h"
#include "ui/main_window.h"
#include "ui/media_files.h"
#include "ui/settings_dialog.h"
#include "ui/sidebar.h"
#include "ui/thumbnail_cache.h"
#include "ui/welcome_panel.h"

void MainWindow::connectChat() {
  connect(m_sidebar, &Sidebar::conversationActivated, m_chat, &ChatController::open);
  connect(m_sidebar, &Sidebar::newRequested, m_chat, [this] { m_chat->newConversation(); });
  connect(m_sidebar, &Sidebar::deleteRequested, m_chat, &ChatController::deleteConversation);
  connect(m_sidebar, &Sidebar::exportRequested, this, &MainWindow::exportConversation);

  connect(m_chat, &ChatController::currentChanged, this, [this] {
    m_view->setConversation(m_chat->current());
    m_sidebar->select(m_chat->current().id);
    m_composer->cancelEdit();
    updateStack();
  });
  connect(m_chat, &ChatController::messageAppended, this, [this](int i) {
    m_view->appendMessage(i, m_chat->current().messages[i]);
    updateStack();
  });
  connect(m_chat, &ChatController::messageChanged, this,
          [this](int i) { m_view->updateMessage(i, m_chat->current().messages[i]); });
  connect(m_chat, &ChatController::messagesRemoved, this, [this](int from) {
    m_view->removeFrom(from);
    updateStack();
  });
  connect(m_chat, &ChatController::generatingChanged, this, [this](bool busy) {
    m_composer->setBusy(busy);
    m_view->setBusy(busy);
    if (busy) m_stats->setText(tr("Writing…"));
  });
  connect(m_chat, &ChatController::statsReady, this, &MainWindow::showStats);
  connect(m_chat, &ChatController::errorOccurred, this, &MainWindow::showError);

  connect(m_view, &ChatView::editRequested, this, &MainWindow::editMessage);
  connect(m_view, &ChatView::regenerateRequested, m_chat, [this] { m_chat->regenerate(); });
  connect(m_composer, &Composer::sendRequested, this, &MainWindow::send);
  connect(m_composer, &Composer::stopRequested, m_chat, &ChatController::stop);
  connect(m_composer, &Composer::attachRequested, this, &MainWindow::attachFiles);
  connect(m_composer, &Composer::refused, this, &MainWindow::showError);
  connect(m_composer, &Composer::editLastRequested, this,
          [this] { editMessage(m_chat->lastUserMessage()); });
  connect(m_composer, &Composer::imagePasted, this, [this](const QImage& image) {
    QString error;
    const QString path = m_store->savePastedImage(image, &error);
    if (path.isEmpty())
      showError(error);
    else
      m_composer->addFiles({path});
  });
  connect(m_builder, &FewShotBuilder::refused, this, &MainWindow::showError);
  connect(m_builder, &FewShotBuilder::runRequested, this,
          [this](const FewShotPrompt& prompt) { send(prompt.text, prompt.mediaPaths, -1); });
  connect(m_welcome, &WelcomePanel::cardActivated, this, &MainWindow::useCard);

  connect(m_client, &InferenceClient::modelLoaded, this, [this](const ModelInfo& info) {
    if (m_loadCancelled) return;
    m_view->setModelName(info.name);
    if (!m_chat->isGenerating()) m_view->setConversation(m_chat->current());  // relabel replies
    showModelState(
        tr("Model: %1 (%2) on %3").arg(info.name, info.directory, info.device.toUpper()));
  });
  connect(m_client, &InferenceClient::modelFailed, this,
          [this](const QString& dir, const QString& error) {
            if (m_loadCancelled) return;
            showModelState(tr("No model loaded: %1 could not be loaded.").arg(dir));
            showError(
                tr("The model could not be loaded: %1\nChoose another model directory in Settings.")
                    .arg(error));
          });
  connect(m_cancelLoad, &QPushButton::clicked, this, [this] {
    // Model::load cannot be interrupted: its result is dropped when it arrives.
    m_loadCancelled = true;
    showModelState(tr("Loading cancelled: no model loaded."));
  });
  connect(m_models, &QComboBox::activated, this, [this] {
    const QString dir = m_models->currentData().toString();
    if (dir == m_modelDir) return;
    m_settings.activeModel = dir;
    m_settings.write();
    loadModel(dir);
  });
}

void MainWindow::restoreConversations() {
  QStringList problems;
  m_list->setConversations(m_store->loadAll(&problems));
  if (!problems.isEmpty()) showError(problems.join(QLatin1Char('\n')));
  const QString last = m_store->lastOpenId();
  if (m_list->rowOf(last) >= 0) m_chat->open(last);
  updateStack();
}

QString MainWindow::chooseModel(const QString& requested) {
  QStringList models = m_settings.availableModels();
  if (!requested.isEmpty() && !models.contains(QDir::cleanPath(requested)))
    models.prepend(QDir::cleanPath(requested));
  m_models->clear();
  for (const QString& dir : models) {
    m_models->addItem(AppSettings::modelName(dir), dir);
    m_models->setItemData(m_models->count() - 1, dir, Qt::ToolTipRole);
  }
  m_models->setEnabled(!models.isEmpty());
  if (models.isEmpty()) m_models->addItem(tr("No model"));
  QString chosen = !requested.isEmpty()                      ? QDir::cleanPath(requested)
                   : models.contains(m_settings.activeModel) ? m_settings.activeModel
                                                             : models.value(0);
  m_models->setCurrentIndex(qMax(0, m_models->findData(chosen)));
  return chosen;
}

void MainWindow::loadModel(const QString& dir) {
  m_chat->stop();  // the worker loads only once the reply in progress has ended
  m_modelDir = dir;
  m_loadCancelled = false;
  showModelState(tr("Loading model %1…").arg(dir));
  m_progress->show();
  m_cancelLoad->show();
  m_client->loadModel(dir, m_settings.load);
}

void MainWindow::showModelState(const QString& text) {
  m_status->setText(text);
  const bool loading = m_client->isLoading() && !m_loadCancelled;
  m_progress->setVisible(loading);
  m_cancelLoad->setVisible(loading);
  QString welcome = text;
  if (m_modelDir.isEmpty())
    welcome =
        tr("No model is bundled with this build yet, so there is nothing to chat with. "
           "Convert one with <tt>flamingo convert-llama2c</tt> and add its folder in "
           "<b>Settings</b>, or start with <tt>--model DIR</tt>.");
  m_welcome->setModelStatus(welcome);
}

void MainWindow::showStats(const GenerationInfo& info) {
  QStringList parts;
  parts << (info.stop == StopKind::Cancelled ? tr("Stopped") : tr("Ready"));
  parts << tr("%1 tok/s").arg(info.tokensPerSecond, 0, 'f', 0);
  parts << tr("first token %1 ms").arg(info.timeToFirstTokenMs, 0, 'f', 0);
  parts << (info.mediaInContext == 1
                ? tr("1 image or video in context")
                : tr("%1 images or videos in context").arg(info.mediaInContext));
  parts << tr("%1 tokens of context used").arg(info.contextUsed);
  if (info.stop == StopKind::ContextFull) parts << tr("the context is full: start a new chat");
  m_stats->setText(parts.join(QStringLiteral(" · ")));
}

void MainWindow::updateStack() {
  // An empty chat shows the welcome panel instead of an empty page.
  m_stack->setCurrentWidget(m_chat->current().messages.isEmpty() ? static_cast<QWidget*>(m_welcome)
                                                                 : m_view);
}

void MainWindow::send(const QString& text, const QStringList& media, int editIndex) {
  m_message->hide();
  const bool sent =
      editIndex >= 0 ? m_chat->editAndResend(editIndex, text, media) : m_chat->send(text, media);
  if (sent) m_composer->clear();
}

void MainWindow::attachFiles() {
  const QStringList files = QFileDialog::getOpenFileNames(this, tr("Attach images or videos"), {},
                                                          MediaFiles::dialogFilter());
  if (!files.isEmpty()) m_composer->addFiles(files);
}

void MainWindow::editMessage(int index) {
  if (index < 0 || index >= m_chat->current().messages.size() || m_chat->isGenerating()) return;
  m_composer->beginEdit(index, m_chat->current().messages[index]);
}

void MainWindow::showError(const QString& text) { m_message->showMessage(text); }

void MainWindow::exportConversation(const QString& id) {
  const int row = m_list->rowOf(id);
  if (row < 0) return;
  const Conversation c = id == m_chat->current().id ? m_chat->current() : m_list->at(row);
  QString filter;
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export chat"), c.title + QStringLiteral(".md"),
                                   tr("Markdown (*.md);;HTML (*.html)"), &filter);
  if (path.isEmpty()) return;
  QString error;
  const bool html = path.endsWith(QLatin1String(".html"), Qt::CaseInsensitive) ||
                    filter.contains(QLatin1String("html"));
  const bool ok = html ? ConversationExporter::writeHtml(c, path, &error)
                       : ConversationExporter::writeMarkdown(c, path, &error);
  if (ok)
    m_message->showMessage(tr("Exported to %1").arg(path), InlineMessage::Level::Info);
  else
    showError(error);
}

void MainWindow::openSettings() {
  SettingsDialog dialog(m_settings, this);
  if (dialog.exec() != QDialog::Accepted) return;
  const AppSettings before = m_settings;
  m_settings = dialog.settings();
  m_settings.write();
  m_chat->setGenerationSettings(m_settings.generation);
  ThumbnailCache::instance()->setVideoSampling(m_settings.generation.videoFps,
                                               m_settings.generation.maxFrames);
  const QString dir = chooseModel(QString());
  if (dir != m_modelDir || before.load.device != m_settings.load.device ||
      before.load.threads != m_settings.load.threads) {
    if (dir.isEmpty())
      showModelState(tr("No model loaded: no model is bundled yet."));
    else
      loadModel(dir);
  }
}

void MainWindow::useCard(const SampleCard& card) {
  if (card.action == SampleCard::Action::Builder) {
    FewShotRecipe recipe;
    QString error;
    if (!card.recipe.isEmpty() && FewShotRecipe::load(card.recipe, &recipe, &error))
      m_builder->setRecipe(recipe);
    else if (!card.recipe.isEmpty())
      showError(error);
    else
      m_builder->setKind(card.templateName == QLatin1String("vqa")
                             ? FewShotRecipe::Kind::Vqa
                             : FewShotRecipe::Kind::Captioning);
    showBuilder(true);
    return;
  }
  QList<MediaRef> media;
  for (const QString& path : card.media) {
    const MediaCheck check = MediaFiles::check(path);
    if (check.ok) media.append({path, QFileInfo(path).fileName(), check.video});
  }
  if (media.size() == card.text.count(kImageMarker)) {
    m_composer->setComposed(card.text, media);
    return;
  }
  // No sample media: the text waits for the user's own picture, whose chip lands
  // where the cursor is, before the prompt.
  QString text = card.text;
  text.remove(kImageMarker);
  m_composer->setComposed(text, {});
  m_composer->edit()->moveCursor(QTextCursor::Start);
  m_message->showMessage(tr("Attach a picture (Ctrl+O or drop it here), then press Enter."),
                         InlineMessage::Level::Info);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!MediaFiles::localFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  m_message->hide();
  m_composer->addFiles(MediaFiles::localFiles(event->mimeData()));
  event->acceptProposedAction();
}
