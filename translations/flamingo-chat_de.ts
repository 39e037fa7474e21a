<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AttachmentChip</name>
    <message>
        <location filename="../ui/attachment_chip.cpp" line="+13" />
        <source>Attached video %1</source>
        <translation>Angehängtes Video %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attached image %1</source>
        <translation>Angehängtes Bild %1</translation>
    </message>
    <message>
        <location line="+11" />
        <location line="+1" />
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <location filename="../ui/chat_controller.cpp" line="+71" />
        <source>Wait for the reply to finish, or stop it first.</source>
        <translation>Warten Sie, bis die Antwort fertig ist, oder halten Sie sie zuerst an.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The model is still loading. Try again in a moment.</source>
        <translation>Das Modell wird noch geladen. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No model is loaded. Choose a model directory in Settings.</source>
        <translation>Kein Modell geladen. Wählen Sie in den Einstellungen einen Modellordner.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The message has %1 &lt;image&gt; marker(s) but %2 attachment(s).</source>
        <translation>Die Nachricht enthält %1 &lt;image&gt;-Marker, aber %2 Anhänge.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The model %1 reads text only: it cannot look at images or videos. Choose a Flamingo model in Settings.</source>
        <translation>Das Modell %1 liest nur Text: Bilder und Videos kann es nicht ansehen. Wählen Sie in den Einstellungen ein Flamingo-Modell.</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Media chat</source>
        <translation>Chat mit Medien</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../ui/chat_view.cpp" line="+29" />
        <source>Conversation</source>
        <translation>Unterhaltung</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Jump to latest</source>
        <translation>Zur neuesten Nachricht</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Jump to latest message</source>
        <translation>Zur neuesten Nachricht springen</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../ui/composer.cpp" line="+25" />
        <source>Editing your message: sending replaces it and what followed.</source>
        <translation>Sie bearbeiten Ihre Nachricht: Senden ersetzt sie und alles, was danach kam.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancel editing</source>
        <translation>Bearbeiten abbrechen</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Attach…</source>
        <translation>Anhängen…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attach images or videos (Ctrl+O)</source>
        <translation>Bilder oder Videos anhängen (Strg+O)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send (Enter)</source>
        <translation>Senden (Eingabe)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop the reply (Esc)</source>
        <translation>Antwort anhalten (Esc)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Enter to send · Shift+Enter for a new line · ↑ edits your last message</source>
        <translation>Eingabe sendet · Umschalt+Eingabe für neue Zeile · ↑ bearbeitet Ihre letzte Nachricht</translation>
    </message>
</context>
<context>
    <name>ComposerEdit</name>
    <message>
        <location filename="../ui/composer_edit.cpp" line="+23" />
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Eingabe sendet, Umschalt+Eingabe beginnt eine neue Zeile</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type a message, drop images or videos here…</source>
        <translation>Nachricht eingeben, Bilder oder Videos hier ablegen…</translation>
    </message>
</context>
<context>
    <name>ConversationExporter</name>
    <message>
        <location filename="../ui/conversation_exporter.cpp" line="+16" />
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location line="+35" />
        <location line="+20" />
        <source>Conversation</source>
        <translation>Unterhaltung</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../ui/conversation_list_model.cpp" line="+15" />
        <source>New chat</source>
        <translation>Neuer Chat</translation>
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
        <translation>1 Nachricht</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 messages</source>
        <translation>%1 Nachrichten</translation>
    </message>
</context>
<context>
    <name>ConversationStore</name>
    <message>
        <location filename="../ui/conversation_store.cpp" line="+59" />
        <source>%1 could not be read and was skipped.</source>
        <translation>%1 konnte nicht gelesen werden und wurde übersprungen.</translation>
    </message>
    <message>
        <location line="+14" />
        <location line="+12" />
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Could not write %1: the write was interrupted</source>
        <translation>%1 konnte nicht geschrieben werden: Der Schreibvorgang wurde unterbrochen</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <location line="+12" />
        <source>%1 is not an image or video Flamingo can read.</source>
        <translation>%1 ist kein Bild oder Video, das Flamingo lesen kann.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Could not copy %1 into %2.</source>
        <translation>%1 konnte nicht nach %2 kopiert werden.</translation>
    </message>
    <message>
        <location line="+24" />
        <source>The pasted image could not be saved.</source>
        <translation>Das eingefügte Bild konnte nicht gespeichert werden.</translation>
    </message>
</context>
<context>
    <name>FewShotBuilder</name>
    <message>
        <location filename="../ui/few_shot_builder.cpp" line="+33" />
        <source>Captioning: &lt;image&gt;Output: {answer}</source>
        <translation>Bildbeschreibung: &lt;image&gt;Output: {answer}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Question / short answer (VQA)</source>
        <translation>Frage / kurze Antwort (VQA)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Custom…</source>
        <translation>Eigene…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Prompt template</source>
        <translation>Prompt-Vorlage</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Custom template</source>
        <translation>Eigene Vorlage</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Use {question} and {answer}; &lt;image&gt; marks the medium</source>
        <translation>{question} und {answer} verwenden; &lt;image&gt; markiert das Medium</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Drop images or clips here: each one becomes an example. Drag rows to reorder.</source>
        <translation>Bilder oder Clips hier ablegen: Jedes wird ein Beispiel. Zeilen ziehen, um sie umzuordnen.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Prompt preview</source>
        <translation>Prompt-Vorschau</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Template:</source>
        <translation>Vorlage:</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Examples (drop images or clips to add rows):</source>
        <translation>Beispiele (Bilder oder Clips ablegen, um Zeilen hinzuzufügen):</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Prompt preview: exactly what the model reads</source>
        <translation>Prompt-Vorschau: genau das, was das Modell liest</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Query:</source>
        <translation>Anfrage:</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+86" />
        <source>Choose image or clip…</source>
        <translation>Bild oder Clip wählen…</translation>
    </message>
    <message>
        <location line="-85" />
        <source>Query image or clip</source>
        <translation>Bild oder Clip der Anfrage</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+1" />
        <source>Question of the query</source>
        <translation>Frage der Anfrage</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Move the example up</source>
        <translation>Beispiel nach oben verschieben</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Move the example down</source>
        <translation>Beispiel nach unten verschieben</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Save recipe…</source>
        <translation>Rezept speichern…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Load recipe…</source>
        <translation>Rezept laden…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <location line="+58" />
        <source>Media, in the order of the &lt;image&gt; markers:</source>
        <translation>Medien in der Reihenfolge der &lt;image&gt;-Marker:</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Add examples</source>
        <translation>Beispiele hinzufügen</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Choose the query</source>
        <translation>Anfrage wählen</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Save recipe</source>
        <translation>Rezept speichern</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+7" />
        <source>Few-shot recipes (*.json)</source>
        <translation>Few-Shot-Rezepte (*.json)</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Load recipe</source>
        <translation>Rezept laden</translation>
    </message>
</context>
<context>
    <name>FewShotRecipe</name>
    <message>
        <location filename="../ui/few_shot_recipe.cpp" line="+89" />
        <source>The template needs an {answer} placeholder.</source>
        <translation>Die Vorlage braucht einen Platzhalter {answer}.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The template may hold at most one &lt;image&gt;.</source>
        <translation>Die Vorlage darf höchstens ein &lt;image&gt; enthalten.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add the query: the image or clip the model should answer about.</source>
        <translation>Fügen Sie die Anfrage hinzu: das Bild oder den Clip, zu dem das Modell antworten soll.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Type the question of the query.</source>
        <translation>Geben Sie die Frage der Anfrage ein.</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Could not save the recipe to %1: %2</source>
        <translation>Das Rezept konnte nicht unter %1 gespeichert werden: %2</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1 is not a few-shot recipe.</source>
        <translation>%1 ist kein Few-Shot-Rezept.</translation>
    </message>
</context>
<context>
    <name>FewShotRowModel</name>
    <message>
        <location filename="../ui/few_shot_row_model.cpp" line="+129" />
        <source>Image or clip</source>
        <translation>Bild oder Clip</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Expected output</source>
        <translation>Erwartete Ausgabe</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <location filename="../ui/inference_worker.cpp" line="+42" />
        <source>The computer ran out of memory.</source>
        <translation>Der Arbeitsspeicher des Computers reicht nicht aus.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Internal error: %1</source>
        <translation>Interner Fehler: %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Internal error of an unknown kind.</source>
        <translation>Interner Fehler unbekannter Art.</translation>
    </message>
    <message>
        <location line="+123" />
        <source>No model is loaded. Choose one in Settings.</source>
        <translation>Kein Modell geladen. Wählen Sie eines in den Einstellungen.</translation>
    </message>
</context>
<context>
    <name>InlineMessage</name>
    <message>
        <location filename="../ui/inline_message.cpp" line="+15" />
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dismiss message</source>
        <translation>Meldung schließen</translation>
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
        <translation>Few-Shot-Baukasten</translation>
    </message>
    <message>
        <location line="+14" />
        <location filename="../ui/main_window_actions.cpp" line="+230" />
        <source>No model loaded: no model is bundled yet.</source>
        <translation>Kein Modell geladen: Noch ist kein Modell beigefügt.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <location line="+33" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;New chat</source>
        <translation>&amp;Neuer Chat</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Attach images or videos…</source>
        <translation>Bilder oder Videos &amp;anhängen…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Export chat…</source>
        <translation>Chat &amp;exportieren…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Search chats</source>
        <translation>Chats &amp;durchsuchen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Rename chat</source>
        <translation>Chat &amp;umbenennen</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Re&amp;generate reply</source>
        <translation>Antwort neu &amp;erzeugen</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Few-shot builder</source>
        <translation>&amp;Few-Shot-Baukasten</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <location line="+3" />
        <source> Model: </source>
        <translation> Modell: </translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_actions.cpp" line="-175" />
        <source>Writing…</source>
        <translation>Schreibt…</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Model: %1 (%2) on %3</source>
        <translation>Modell: %1 (%2) auf %3</translation>
    </message>
    <message>
        <location line="+5" />
        <source>No model loaded: %1 could not be loaded.</source>
        <translation>Kein Modell geladen: %1 konnte nicht geladen werden.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The model could not be loaded: %1
Choose another model directory in Settings.</source>
        <translation>Das Modell konnte nicht geladen werden: %1
Wählen Sie in den Einstellungen einen anderen Modellordner.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Loading cancelled: no model loaded.</source>
        <translation>Laden abgebrochen: kein Modell geladen.</translation>
    </message>
    <message>
        <location line="+27" />
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Loading model %1…</source>
        <translation>Modell %1 wird geladen…</translation>
    </message>
    <message>
        <location line="+14" />
        <source>No model is bundled with this build yet, so there is nothing to chat with. Convert one with &lt;tt&gt;flamingo convert-llama2c&lt;/tt&gt; and add its folder in &lt;b&gt;Settings&lt;/b&gt;, or start with &lt;tt&gt;--model DIR&lt;/tt&gt;.</source>
        <translation>Diesem Build liegt noch kein Modell bei, daher gibt es noch niemanden zum Chatten. Wandeln Sie eines mit &lt;tt&gt;flamingo convert-llama2c&lt;/tt&gt; um und fügen Sie seinen Ordner in den &lt;b&gt;Einstellungen&lt;/b&gt; hinzu, oder starten Sie mit &lt;tt&gt;--model DIR&lt;/tt&gt;.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Stopped</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 tok/s</source>
        <translation>%1 Token/s</translation>
    </message>
    <message>
        <location line="+1" />
        <source>first token %1 ms</source>
        <translation>erstes Token nach %1 ms</translation>
    </message>
    <message>
        <location line="+2" />
        <source>1 image or video in context</source>
        <translation>1 Bild oder Video im Kontext</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 images or videos in context</source>
        <translation>%1 Bilder oder Videos im Kontext</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 tokens of context used</source>
        <translation>%1 Token des Kontexts belegt</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the context is full: start a new chat</source>
        <translation>der Kontext ist voll: Beginnen Sie einen neuen Chat</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Attach images or videos</source>
        <translation>Bilder oder Videos anhängen</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Export chat</source>
        <translation>Chat exportieren</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Markdown (*.md);;HTML (*.html)</source>
        <translation>Markdown (*.md);;HTML (*.html)</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <location line="+54" />
        <source>Attach a picture (Ctrl+O or drop it here), then press Enter.</source>
        <translation>Hängen Sie ein Bild an (Strg+O oder hier ablegen) und drücken Sie dann die Eingabetaste.</translation>
    </message>
</context>
<context>
    <name>MediaFiles</name>
    <message>
        <location filename="../ui/media_files.cpp" line="+22" />
        <source>%1 is not an image or a video, so it was not attached. Flamingo reads PNG, JPEG, BMP, WebP, TIFF and GIF images and most video files.</source>
        <translation>%1 ist weder ein Bild noch ein Video und wurde nicht angehängt. Flamingo liest PNG-, JPEG-, BMP-, WebP-, TIFF- und GIF-Bilder und die meisten Videodateien.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>%1 could not be read (it is missing, empty or not readable), so it was not attached.</source>
        <translation>%1 konnte nicht gelesen werden (fehlt, ist leer oder nicht lesbar) und wurde nicht angehängt.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Images and videos (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff *.gif *.avi *.mp4 *.m4v *.mov *.mkv *.webm *.mpg *.mpeg *.ogv *.wmv *.flv);;All files (*)</source>
        <translation>Bilder und Videos (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff *.gif *.avi *.mp4 *.m4v *.mov *.mkv *.webm *.mpg *.mpeg *.ogv *.wmv *.flv);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>MediaThumbnail</name>
    <message>
        <location filename="../ui/media_thumbnail.cpp" line="+23" />
        <source>Video %1</source>
        <translation>Video %1</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Image %1</source>
        <translation>Bild %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Opens the file full size</source>
        <translation>Öffnet die Datei in voller Größe</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Video %1, %2</source>
        <translation>Video %1, %2</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <location line="+2" />
        <source>1 frame</source>
        <translation>1 Bild</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 frames</source>
        <translation>%1 Bilder</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1:%2 · %3</source>
        <translation>%1:%2 · %3</translation>
    </message>
    <message>
        <location line="+66" />
        <source>This file cannot be shown here.</source>
        <translation>Diese Datei kann hier nicht angezeigt werden.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Open with the system viewer</source>
        <translation>Mit dem Systemprogramm öffnen</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <location filename="../ui/message_widget.cpp" line="+33" />
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Regenerate</source>
        <translation>Neu erzeugen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy this message</source>
        <translation>Diese Nachricht kopieren</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Change this message and send it again</source>
        <translation>Diese Nachricht ändern und erneut senden</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Write this reply again (Ctrl+R)</source>
        <translation>Diese Antwort neu schreiben lassen (Strg+R)</translation>
    </message>
    <message>
        <location line="+115" />
        <source>Stopped.</source>
        <translation>Angehalten.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The reply ended early: %1</source>
        <translation>Die Antwort endete vorzeitig: %1</translation>
    </message>
</context>
<context>
    <name>SampleCards</name>
    <message>
        <location filename="../ui/sample_cards.cpp" line="+51" />
        <source>Describe a picture</source>
        <translation>Ein Bild beschreiben</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Attach a photo, then send. The model writes a caption after "Output:".</source>
        <translation>Hängen Sie ein Foto an und senden Sie. Das Modell schreibt nach „Output:“ eine Bildbeschreibung.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Ask about a picture</source>
        <translation>Eine Frage zu einem Bild stellen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attach a picture and ask a short question about it.</source>
        <translation>Hängen Sie ein Bild an und stellen Sie eine kurze Frage dazu.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Teach a new word</source>
        <translation>Ein neues Wort beibringen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show two pictures with their names, say a "dax" and a "blicket", then ask about a third. Examples before a question teach the model a new task.</source>
        <translation>Zeigen Sie zwei Bilder mit ihren Namen, etwa ein „Dax“ und ein „Blicket“, und fragen Sie dann nach einem dritten. Beispiele vor einer Frage bringen dem Modell eine neue Aufgabe bei.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="+41" />
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Generation</source>
        <translation>Erzeugung</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Interface</source>
        <translation>Oberfläche</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Model directories</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1 (bundled)</source>
        <translation>%1 (beigefügt)</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CUDA GPU (needs a CUDA build of LibTorch)</source>
        <translation>CUDA-GPU (braucht LibTorch mit CUDA)</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model directories:</source>
        <translation>Modellordner:</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Device and threads apply when the model is next loaded.</source>
        <translation>Gerät und Threads gelten ab dem nächsten Laden des Modells.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>0 always picks the most likely token</source>
        <translation>0 wählt immer das wahrscheinlichste Token</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Temperature:</source>
        <translation>Temperatur:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Top-k:</source>
        <translation>Top-k:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Top-p:</source>
        <translation>Top-p:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repetition penalty:</source>
        <translation>Wiederholungsstrafe:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Max new tokens:</source>
        <translation>Höchstens neue Token:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Video frames per second:</source>
        <translation>Videobilder pro Sekunde:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Video max frames:</source>
        <translation>Höchstens Videobilder:</translation>
    </message>
    <message>
        <location line="+7" />
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A new language applies after a restart.</source>
        <translation>Eine neue Sprache gilt nach einem Neustart.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Theme:</source>
        <translation>Design:</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Follows the system (colours and font size).</source>
        <translation>Folgt dem System (Farben und Schriftgröße).</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose a model directory</source>
        <translation>Modellordner wählen</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../ui/sidebar.cpp" line="+21" />
        <source>Search chats (Ctrl+F)</source>
        <translation>Chats durchsuchen (Strg+F)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Search chats by title</source>
        <translation>Chats nach Titel durchsuchen</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <location line="+16" />
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Neue Unterhaltung beginnen (Strg+N)</translation>
    </message>
    <message>
        <location line="+36" />
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <location filename="../ui/welcome_panel.cpp" line="+31" />
        <source>Open the builder →</source>
        <translation>Baukasten öffnen →</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Try it →</source>
        <translation>Ausprobieren →</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Flamingo Chat</source>
        <translation>Flamingo Chat</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Talk with a visual language model about images and videos. Put pictures in your message where the model should look at them, and give a few examples before a question to teach it a new task.</source>
        <translation>Sprechen Sie mit einem visuellen Sprachmodell über Bilder und Videos. Setzen Sie Bilder dort in Ihre Nachricht, wo das Modell sie ansehen soll, und geben Sie vor einer Frage einige Beispiele, um ihm eine neue Aufgabe beizubringen.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui_main.cpp" line="+47" />
        <source>Visual dialogue with Flamingo models</source>
        <translation>Visueller Dialog mit Flamingo-Modellen</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Model directory to open.</source>
        <translation>Zu öffnender Modellordner.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Start, then quit (for checks).</source>
        <translation>Starten, dann beenden (für Prüfungen).</translation>
    </message>
</context>
</TS>
