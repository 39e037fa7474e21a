#pragma once
// The main window: conversations on the left, the open chat with its composer in
// the middle, the few-shot builder in a dock, the model and speed in the status
// bar. The window owns the conversation list and the working copy of the open
// chat (through ChatController); the model runs in InferenceClient's thread.
#include <QMainWindow>

#include "ui/app_settings.h"
#include "ui/inference_types.h"
#include "ui/sample_cards.h"

class ChatController;
class ChatView;
class Composer;
class ConversationListModel;
class ConversationStore;
class FewShotBuilder;
class InferenceClient;
class InlineMessage;
class QComboBox;
class QDockWidget;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class Sidebar;
class WelcomePanel;

struct MainWindowOptions {
  QString modelDir;  // from the command line; empty: the settings' or the bundled model
  QString dataDir;   // empty: QStandardPaths::AppDataLocation
  bool loadModel = true;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const QString& modelDir, QWidget* parent = nullptr);
  explicit MainWindow(const MainWindowOptions& options, QWidget* parent = nullptr);
  ~MainWindow() override;

  QString statusText() const;
  QString messageText() const;  // the inline message shown, if any
  Composer* composer() const { return m_composer; }
  ChatController* chat() const { return m_chat; }
  ChatView* chatView() const { return m_view; }
  FewShotBuilder* builder() const { return m_builder; }
  void showBuilder(bool show);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createActions();
  QWidget* createCentre();
  void createStatusBar();
  void connectChat();
  void restoreConversations();
  QString chooseModel(const QString& requested);
  void loadModel(const QString& dir);
  void showModelState(const QString& text);
  void showStats(const GenerationInfo& info);
  void updateStack();
  void send(const QString& text, const QStringList& media, int editIndex);
  void attachFiles();
  void exportConversation(const QString& id);
  void openSettings();
  void useCard(const SampleCard& card);
  void editMessage(int index);
  void showError(const QString& text);

  AppSettings m_settings;
  QString m_modelDir;
  ConversationStore* m_store = nullptr;
  ConversationListModel* m_list = nullptr;
  InferenceClient* m_client = nullptr;
  ChatController* m_chat = nullptr;
  Sidebar* m_sidebar = nullptr;
  QStackedWidget* m_stack = nullptr;
  WelcomePanel* m_welcome = nullptr;
  ChatView* m_view = nullptr;
  Composer* m_composer = nullptr;
  InlineMessage* m_message = nullptr;
  QDockWidget* m_builderDock = nullptr;
  FewShotBuilder* m_builder = nullptr;
  QComboBox* m_models = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_stats = nullptr;
  QProgressBar* m_progress = nullptr;
  QPushButton* m_cancelLoad = nullptr;
  bool m_loadCancelled = false;
};
