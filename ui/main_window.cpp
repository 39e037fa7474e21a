#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/chat_controller.h"
#include "ui/chat_view.h"
#include "ui/composer.h"
#include "ui/conversation_list_model.h"
#include "ui/conversation_store.h"
#include "ui/few_shot_builder.h"
#include "ui/inference_client.h"
#include "ui/inline_message.h"
#include "ui/sidebar.h"
#include "ui/thumbnail_cache.h"
#include "ui/welcome_panel.h"

MainWindow::MainWindow(const QString& modelDir, QWidget* parent)
    : MainWindow(MainWindowOptions{modelDir, QString(), true}, parent) {}

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent), m_settings(AppSettings::read()) {
  setWindowTitle(tr("Flamingo Chat"));
  setAcceptDrops(true);  // images and videos dropped anywhere go to the composer
  m_store = new ConversationStore(options.dataDir.isEmpty() ? ConversationStore::defaultRoot()
                                                            : options.dataDir);
  m_list = new ConversationListModel(this);
  m_client = new InferenceClient(this);
  m_chat = new ChatController(m_list, m_store, m_client, this);
  m_chat->setGenerationSettings(m_settings.generation);
  ThumbnailCache::instance()->setVideoSampling(m_settings.generation.videoFps,
                                               m_settings.generation.maxFrames);

  m_sidebar = new Sidebar(m_list, this);
  auto* splitter = new QSplitter(this);
  splitter->addWidget(m_sidebar);
  splitter->addWidget(createCentre());
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({240, 960});
  splitter->setChildrenCollapsible(false);
  setCentralWidget(splitter);

  m_builder = new FewShotBuilder(this);
  m_builderDock = new QDockWidget(tr("Few-shot builder"), this);
  m_builderDock->setObjectName(QStringLiteral("builderDock"));
  m_builderDock->setWidget(m_builder);
  addDockWidget(Qt::RightDockWidgetArea, m_builderDock);
  m_builderDock->hide();

  createActions();
  createStatusBar();
  connectChat();
  restoreConversations();
  m_welcome->setCards(SampleCards::load(SampleCards::samplesDir()));

  m_modelDir = chooseModel(options.modelDir);
  if (m_modelDir.isEmpty()) {
    showModelState(tr("No model loaded: no model is bundled yet."));
  } else if (options.loadModel) {
    loadModel(m_modelDir);
  } else {
    showModelState(tr("Model: %1").arg(m_modelDir));
  }
  resize(1200, 800);
}

MainWindow::~MainWindow() {
  // The worker's thread first (it joins), then what its signals would have reached.
  delete m_chat;
  delete m_client;
  delete m_store;
}

QWidget* MainWindow::createCentre() {
  auto* centre = new QWidget(this);
  m_message = new InlineMessage(centre);
  m_welcome = new WelcomePanel(centre);
  m_view = new ChatView(centre);
  m_stack = new QStackedWidget(centre);
  m_stack->addWidget(m_welcome);
  m_stack->addWidget(m_view);
  m_composer = new Composer(centre);
  auto* line = new QFrame(centre);
  line->setFrameShape(QFrame::HLine);
  line->setFrameShadow(QFrame::Sunken);
  auto* layout = new QVBoxLayout(centre);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  auto* messageRow = new QVBoxLayout;
  messageRow->setContentsMargins(16, 8, 16, 0);
  messageRow->addWidget(m_message);
  layout->addLayout(messageRow);
  layout->addWidget(m_stack, 1);
  layout->addWidget(line);
  layout->addWidget(m_composer);
  return centre;
}

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* newChat =
      file->addAction(tr("&New chat"), m_chat, [this] { m_chat->newConversation(); });
  newChat->setShortcut(QKeySequence::New);
  QAction* attach =
      file->addAction(tr("&Attach images or videos…"), this, &MainWindow::attachFiles);
  attach->setShortcut(QKeySequence::Open);
  file->addAction(tr("&Export chat…"), this, [this] { exportConversation(m_chat->current().id); });
  file->addSeparator();
  QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
  settings->setShortcut(QKeySequence::Preferences);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* find = edit->addAction(tr("&Search chats"), m_sidebar, &Sidebar::focusSearch);
  find->setShortcut(QKeySequence::Find);
  QAction* rename = edit->addAction(tr("&Rename chat"), m_sidebar, &Sidebar::renameCurrent);
  rename->setShortcut(Qt::Key_F2);
  QAction* regenerate =
      edit->addAction(tr("Re&generate reply"), m_chat, [this] { m_chat->regenerate(); });
  regenerate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QAction* builder = m_builderDock->toggleViewAction();
  builder->setText(tr("&Few-shot builder"));
  builder->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
  view->addAction(builder);

  // Stop is one key away while the model writes; otherwise Esc leaves editing.
  auto* stop = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  connect(stop, &QShortcut::activated, this, [this] {
    if (m_chat->isGenerating())
      m_chat->stop();
    else
      m_composer->cancelEdit();
  });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("mainToolBar"));
  bar->setMovable(false);
  bar->addWidget(new QLabel(tr(" Model: "), bar));
  m_models = new QComboBox(bar);
  m_models->setAccessibleName(tr("Model"));
  m_models->setMinimumContentsLength(24);
  m_models->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  bar->addWidget(m_models);
  auto* spacer = new QWidget(bar);
  spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  bar->addWidget(spacer);
  bar->addAction(builder);
  bar->addAction(settings);
}

void MainWindow::createStatusBar() {
  m_status = new QLabel(this);
  m_status->setObjectName(QStringLiteral("modelStatus"));
  m_stats = new QLabel(this);
  m_stats->setObjectName(QStringLiteral("generationStats"));
  m_progress = new QProgressBar(this);
  m_progress->setRange(0, 0);  // the engine reports no progress: a busy bar
  m_progress->setMaximumWidth(160);
  m_progress->hide();
  m_cancelLoad = new QPushButton(tr("Cancel"), this);
  m_cancelLoad->setFlat(true);
  m_cancelLoad->hide();
  statusBar()->addWidget(m_status, 1);
  statusBar()->addPermanentWidget(m_progress);
  statusBar()->addPermanentWidget(m_cancelLoad);
  statusBar()->addPermanentWidget(m_stats);
}

QString MainWindow::statusText() const { return m_status->text(); }
QString MainWindow::messageText() const { return m_message->text(); }

void MainWindow::showBuilder(bool show) {
  m_builderDock->setVisible(show);
  if (show) m_builderDock->raise();
}
