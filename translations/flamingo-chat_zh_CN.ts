<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttachmentChip</name>
    <message>
        <location filename="../ui/attachment_chip.cpp" line="+13" />
        <source>Attached video %1</source>
        <translation>已附加的视频 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attached image %1</source>
        <translation>已附加的图片 %1</translation>
    </message>
    <message>
        <location line="+11" />
        <location line="+1" />
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <location filename="../ui/chat_controller.cpp" line="+71" />
        <source>Wait for the reply to finish, or stop it first.</source>
        <translation>请等待回复完成，或先停止它。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The model is still loading. Try again in a moment.</source>
        <translation>模型仍在加载，请稍后再试。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No model is loaded. Choose a model directory in Settings.</source>
        <translation>尚未加载模型。请在设置中选择模型目录。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The message has %1 &lt;image&gt; marker(s) but %2 attachment(s).</source>
        <translation>消息中有 %1 个 &lt;image&gt; 标记，但有 %2 个附件。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The model %1 reads text only: it cannot look at images or videos. Choose a Flamingo model in Settings.</source>
        <translation>模型 %1 只能读取文本，无法查看图片或视频。请在设置中选择 Flamingo 模型。</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Media chat</source>
        <translation>媒体对话</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../ui/chat_view.cpp" line="+29" />
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Jump to latest</source>
        <translation>跳到最新</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Jump to latest message</source>
        <translation>跳到最新消息</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../ui/composer.cpp" line="+25" />
        <source>Editing your message: sending replaces it and what followed.</source>
        <translation>正在编辑消息：发送后将替换它及其后的所有内容。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancel editing</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Attach…</source>
        <translation>附加…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attach images or videos (Ctrl+O)</source>
        <translation>附加图片或视频 (Ctrl+O)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send (Enter)</source>
        <translation>发送 (Enter)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop the reply (Esc)</source>
        <translation>停止回复 (Esc)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Enter to send · Shift+Enter for a new line · ↑ edits your last message</source>
        <translation>Enter 发送 · Shift+Enter 换行 · ↑ 编辑上一条消息</translation>
    </message>
</context>
<context>
    <name>ComposerEdit</name>
    <message>
        <location filename="../ui/composer_edit.cpp" line="+23" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type a message, drop images or videos here…</source>
        <translation>输入消息，或将图片、视频拖放到这里…</translation>
    </message>
</context>
<context>
    <name>ConversationExporter</name>
    <message>
        <location filename="../ui/conversation_exporter.cpp" line="+16" />
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location line="+35" />
        <location line="+20" />
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../ui/conversation_list_model.cpp" line="+15" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <location line="+2" />
        <source>1 message</source>
        <translation>1 条消息</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 messages</source>
        <translation>%1 条消息</translation>
    </message>
</context>
<context>
    <name>ConversationStore</name>
    <message>
        <location filename="../ui/conversation_store.cpp" line="+59" />
        <source>%1 could not be read and was skipped.</source>
        <translation>无法读取 %1，已跳过。</translation>
    </message>
    <message>
        <location line="+14" />
        <location line="+12" />
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Could not write %1: the write was interrupted</source>
        <translation>无法写入 %1：写入被中断</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Could not delete %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
    <message>
        <location line="+12" />
        <source>%1 is not an image or video Flamingo can read.</source>
        <translation>%1 不是 Flamingo 能读取的图片或视频。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Could not copy %1 into %2.</source>
        <translation>无法将 %1 复制到 %2。</translation>
    </message>
    <message>
        <location line="+24" />
        <source>The pasted image could not be saved.</source>
        <translation>无法保存粘贴的图片。</translation>
    </message>
</context>
<context>
    <name>FewShotBuilder</name>
    <message>
        <location filename="../ui/few_shot_builder.cpp" line="+33" />
        <source>Captioning: &lt;image&gt;Output: {answer}</source>
        <translation>图片描述：&lt;image&gt;Output: {answer}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Question / short answer (VQA)</source>
        <translation>问题 / 简短回答 (VQA)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Prompt template</source>
        <translation>提示模板</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Custom template</source>
        <translation>自定义模板</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Use {question} and {answer}; &lt;image&gt; marks the medium</source>
        <translation>使用 {question} 和 {answer}；&lt;image&gt; 标记媒体位置</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Drop images or clips here: each one becomes an example. Drag rows to reorder.</source>
        <translation>将图片或视频片段拖放到这里：每个都会成为一个示例。拖动行可调整顺序。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Prompt preview</source>
        <translation>提示预览</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Template:</source>
        <translation>模板：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Examples (drop images or clips to add rows):</source>
        <translation>示例（拖放图片或视频片段以添加行）：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Prompt preview: exactly what the model reads</source>
        <translation>提示预览：模型读取的确切内容</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Query:</source>
        <translation>查询：</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+86" />
        <source>Choose image or clip…</source>
        <translation>选择图片或视频片段…</translation>
    </message>
    <message>
        <location line="-85" />
        <source>Query image or clip</source>
        <translation>查询的图片或视频片段</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+1" />
        <source>Question of the query</source>
        <translation>查询的问题</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Move the example up</source>
        <translation>将示例上移</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Move the example down</source>
        <translation>将示例下移</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Save recipe…</source>
        <translation>保存配方…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Load recipe…</source>
        <translation>加载配方…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+58" />
        <source>Media, in the order of the &lt;image&gt; markers:</source>
        <translation>媒体（按 &lt;image&gt; 标记的顺序）：</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Add examples</source>
        <translation>添加示例</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Choose the query</source>
        <translation>选择查询</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Save recipe</source>
        <translation>保存配方</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+7" />
        <source>Few-shot recipes (*.json)</source>
        <translation>少样本配方 (*.json)</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Load recipe</source>
        <translation>加载配方</translation>
    </message>
</context>
<context>
    <name>FewShotRecipe</name>
    <message>
        <location filename="../ui/few_shot_recipe.cpp" line="+89" />
        <source>The template needs an {answer} placeholder.</source>
        <translation>模板需要一个 {answer} 占位符。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The template may hold at most one &lt;image&gt;.</source>
        <translation>模板最多只能包含一个 &lt;image&gt;。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add the query: the image or clip the model should answer about.</source>
        <translation>请添加查询：模型要回答的图片或视频片段。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Type the question of the query.</source>
        <translation>请输入查询的问题。</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Could not save the recipe to %1: %2</source>
        <translation>无法将配方保存到 %1：%2</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Could not open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1 is not a few-shot recipe.</source>
        <translation>%1 不是少样本配方。</translation>
    </message>
</context>
<context>
    <name>FewShotRowModel</name>
    <message>
        <location filename="../ui/few_shot_row_model.cpp" line="+129" />
        <source>Image or clip</source>
        <translation>图片或视频片段</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Expected output</source>
        <translation>预期输出</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <location filename="../ui/inference_worker.cpp" line="+42" />
        <source>The computer ran out of memory.</source>
        <translation>计算机内存不足。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Internal error: %1</source>
        <translation>内部错误：%1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Internal error of an unknown kind.</source>
        <translation>未知类型的内部错误。</translation>
    </message>
    <message>
        <location line="+123" />
        <source>No model is loaded. Choose one in Settings.</source>
        <translation>尚未加载模型。请在设置中选择一个。</translation>
    </message>
</context>
<context>
    <name>InlineMessage</name>
    <message>
        <location filename="../ui/inline_message.cpp" line="+15" />
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dismiss message</source>
        <translation>关闭消息</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="+35" />
        <source>Flamingo Chat</source>
        <translation>Flamingo Chat</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Few-shot builder</source>
        <translation>少样本构建器</translation>
    </message>
    <message>
        <location line="+14" />
        <location filename="../ui/main_window_actions.cpp" line="+230" />
        <source>No model loaded: no model is bundled yet.</source>
        <translation>未加载模型：尚未附带任何模型。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location line="+33" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;New chat</source>
        <translation>新对话(&amp;N)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Attach images or videos…</source>
        <translation>附加图片或视频(&amp;A)…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Export chat…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Search chats</source>
        <translation>搜索对话(&amp;S)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Rename chat</source>
        <translation>重命名对话(&amp;R)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Re&amp;generate reply</source>
        <translation>重新生成回复(&amp;G)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Few-shot builder</source>
        <translation>少样本构建器(&amp;F)</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+3" />
        <source> Model: </source>
        <translation> 模型：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../ui/main_window_actions.cpp" line="-175" />
        <source>Writing…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Model: %1 (%2) on %3</source>
        <translation>模型：%1（%2），运行于 %3</translation>
    </message>
    <message>
        <location line="+5" />
        <source>No model loaded: %1 could not be loaded.</source>
        <translation>未加载模型：无法加载 %1。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The model could not be loaded: %1
Choose another model directory in Settings.</source>
        <translation>无法加载模型：%1
请在设置中选择其他模型目录。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Loading cancelled: no model loaded.</source>
        <translation>已取消加载：未加载模型。</translation>
    </message>
    <message>
        <location line="+27" />
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Loading model %1…</source>
        <translation>正在加载模型 %1…</translation>
    </message>
    <message>
        <location line="+14" />
        <source>No model is bundled with this build yet, so there is nothing to chat with. Convert one with &lt;tt&gt;flamingo convert-llama2c&lt;/tt&gt; and add its folder in &lt;b&gt;Settings&lt;/b&gt;, or start with &lt;tt&gt;--model DIR&lt;/tt&gt;.</source>
        <translation>此版本尚未附带模型，因此还无法对话。请用 &lt;tt&gt;flamingo convert-llama2c&lt;/tt&gt; 转换一个模型，并在&lt;b&gt;设置&lt;/b&gt;中添加其目录，或使用 &lt;tt&gt;--model DIR&lt;/tt&gt; 启动。</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 tok/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <location line="+1" />
        <source>first token %1 ms</source>
        <translation>首个词元 %1 毫秒</translation>
    </message>
    <message>
        <location line="+2" />
        <source>1 image or video in context</source>
        <translation>上下文中有 1 个图片或视频</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 images or videos in context</source>
        <translation>上下文中有 %1 个图片或视频</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 tokens of context used</source>
        <translation>已使用 %1 个上下文词元</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the context is full: start a new chat</source>
        <translation>上下文已满：请开始新对话</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Attach images or videos</source>
        <translation>附加图片或视频</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Export chat</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Markdown (*.md);;HTML (*.html)</source>
        <translation>Markdown (*.md);;HTML (*.html)</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location line="+54" />
        <source>Attach a picture (Ctrl+O or drop it here), then press Enter.</source>
        <translation>请附加一张图片（Ctrl+O 或拖放到这里），然后按 Enter。</translation>
    </message>
</context>
<context>
    <name>MediaFiles</name>
    <message>
        <location filename="../ui/media_files.cpp" line="+22" />
        <source>%1 is not an image or a video, so it was not attached. Flamingo reads PNG, JPEG, BMP, WebP, TIFF and GIF images and most video files.</source>
        <translation>%1 不是图片或视频，因此未附加。Flamingo 可读取 PNG、JPEG、BMP、WebP、TIFF 和 GIF 图片以及大多数视频文件。</translation>
    </message>
    <message>
        <location line="+8" />
        <source>%1 could not be read (it is missing, empty or not readable), so it was not attached.</source>
        <translation>无法读取 %1（文件不存在、为空或不可读），因此未附加。</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Images and videos (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff *.gif *.avi *.mp4 *.m4v *.mov *.mkv *.webm *.mpg *.mpeg *.ogv *.wmv *.flv);;All files (*)</source>
        <translation>图片和视频 (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff *.gif *.avi *.mp4 *.m4v *.mov *.mkv *.webm *.mpg *.mpeg *.ogv *.wmv *.flv);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>MediaThumbnail</name>
    <message>
        <location filename="../ui/media_thumbnail.cpp" line="+23" />
        <source>Video %1</source>
        <translation>视频 %1</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Image %1</source>
        <translation>图片 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Opens the file full size</source>
        <translation>以原始大小打开文件</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Video %1, %2</source>
        <translation>视频 %1，%2</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location line="+2" />
        <source>1 frame</source>
        <translation>1 帧</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 frames</source>
        <translation>%1 帧</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1:%2 · %3</source>
        <translation>%1:%2 · %3</translation>
    </message>
    <message>
        <location line="+66" />
        <source>This file cannot be shown here.</source>
        <translation>此文件无法在这里显示。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Open with the system viewer</source>
        <translation>用系统查看器打开</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <location filename="../ui/message_widget.cpp" line="+33" />
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy this message</source>
        <translation>复制此消息</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Change this message and send it again</source>
        <translation>修改此消息并重新发送</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Write this reply again (Ctrl+R)</source>
        <translation>重新生成此回复 (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+115" />
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The reply ended early: %1</source>
        <translation>回复提前结束：%1</translation>
    </message>
</context>
<context>
    <name>SampleCards</name>
    <message>
        <location filename="../ui/sample_cards.cpp" line="+51" />
        <source>Describe a picture</source>
        <translation>描述一张图片</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Attach a photo, then send. The model writes a caption after "Output:".</source>
        <translation>附加一张照片后发送。模型会在 “Output:” 之后写出描述。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Ask about a picture</source>
        <translation>就图片提问</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attach a picture and ask a short question about it.</source>
        <translation>附加一张图片，并就它提一个简短的问题。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Teach a new word</source>
        <translation>教一个新词</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show two pictures with their names, say a "dax" and a "blicket", then ask about a third. Examples before a question teach the model a new task.</source>
        <translation>展示两张带名称的图片，比如一个 “dax” 和一个 “blicket”，然后询问第三张。问题前的示例能教会模型新任务。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="+41" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Model directories</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1 (bundled)</source>
        <translation>%1（内置）</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CUDA GPU (needs a CUDA build of LibTorch)</source>
        <translation>CUDA GPU（需要支持 CUDA 的 LibTorch）</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model directories:</source>
        <translation>模型目录：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Device and threads apply when the model is next loaded.</source>
        <translation>设备和线程数将在下次加载模型时生效。</translation>
    </message>
    <message>
        <location line="+8" />
        <source>0 always picks the most likely token</source>
        <translation>0 表示总是选择最可能的词元</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Top-k:</source>
        <translation>Top-k：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Top-p:</source>
        <translation>Top-p：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repetition penalty:</source>
        <translation>重复惩罚：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Max new tokens:</source>
        <translation>最多新词元数：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Video frames per second:</source>
        <translation>每秒视频帧数：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Video max frames:</source>
        <translation>最多视频帧数：</translation>
    </message>
    <message>
        <location line="+7" />
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A new language applies after a restart.</source>
        <translation>新语言将在重启后生效。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Follows the system (colours and font size).</source>
        <translation>跟随系统（颜色和字体大小）。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose a model directory</source>
        <translation>选择模型目录</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../ui/sidebar.cpp" line="+21" />
        <source>Search chats (Ctrl+F)</source>
        <translation>搜索对话 (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Search chats by title</source>
        <translation>按标题搜索对话</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <location line="+16" />
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>开始新对话 (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+36" />
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <location filename="../ui/welcome_panel.cpp" line="+31" />
        <source>Open the builder →</source>
        <translation>打开构建器 →</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Try it →</source>
        <translation>试一试 →</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Flamingo Chat</source>
        <translation>Flamingo Chat</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Talk with a visual language model about images and videos. Put pictures in your message where the model should look at them, and give a few examples before a question to teach it a new task.</source>
        <translation>与视觉语言模型谈论图片和视频。把图片放在消息中希望模型查看的位置；在问题前给出几个示例，就能教会它新任务。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui_main.cpp" line="+47" />
        <source>Visual dialogue with Flamingo models</source>
        <translation>与 Flamingo 模型进行视觉对话</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Model directory to open.</source>
        <translation>要打开的模型目录。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Start, then quit (for checks).</source>
        <translation>启动后立即退出（用于检查）。</translation>
    </message>
</context>
</TS>
