package org.trainbench.launch.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.runtime.Platform;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.console.IHyperlink;
import org.eclipse.ui.console.IPatternMatchListenerDelegate;
import org.eclipse.ui.console.PatternMatchEvent;
import org.eclipse.ui.console.TextConsole;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.texteditor.ITextEditor;

/**
 * Makes the engine's {@code FILE:LINE:COLUMN} (how it names the place of a config error, e.g.
 * {@code /runs/sft.yaml:12:5: error: ...}) a link in an engine's Console that opens the file at that place. Registered
 * in plugin.xml for consoles of engine processes only; the regex there finds the text, this class makes the link.
 */
public final class ConfigLocationLinks implements IPatternMatchListenerDelegate {
    /** FILE:LINE:COLUMN with FILE a .yaml or .yml path; the same as plugin.xml's regex. */
    static final Pattern LOCATION = Pattern.compile("(\\S+\\.ya?ml):(\\d+):(\\d+)");

    private TextConsole console;

    @Override
    public void connect(TextConsole connected) {
        this.console = connected;
    }

    @Override
    public void disconnect() {
        console = null;
    }

    @Override
    public void matchFound(PatternMatchEvent event) {
        TextConsole target = console;
        if (target == null) {
            return;
        }
        try {
            String text = target.getDocument().get(event.getOffset(), event.getLength());
            Matcher matcher = LOCATION.matcher(text);
            if (matcher.matches() && Files.isRegularFile(Path.of(matcher.group(1)))) {
                target.addHyperlink(new Location(Path.of(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                        Integer.parseInt(matcher.group(3))), event.getOffset(), event.getLength());
            }
        } catch (BadLocationException | RuntimeException e) {
            // Not a location after all (or the console was cleared meanwhile): no link.
        }
    }

    /** Opens the file in its editor, the caret at the line and column (1-based, as the engine prints them). */
    record Location(Path file, int line, int column) implements IHyperlink {
        @Override
        public void linkActivated() {
            IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow() == null ? null
                    : PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
            if (page == null && PlatformUI.getWorkbench().getWorkbenchWindowCount() > 0) {
                page = PlatformUI.getWorkbench().getWorkbenchWindows()[0].getActivePage();
            }
            if (page == null) {
                return;
            }
            try {
                IEditorPart editor = IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri()));
                ITextEditor text = editor.getAdapter(ITextEditor.class);
                if (text != null) {
                    IDocument document = text.getDocumentProvider().getDocument(text.getEditorInput());
                    int lineIndex = Math.min(Math.max(line - 1, 0), document.getNumberOfLines() - 1);
                    int lineLength = document.getLineInformation(lineIndex).getLength();
                    text.selectAndReveal(document.getLineOffset(lineIndex) + Math.min(Math.max(column - 1, 0), lineLength), 0);
                }
            } catch (PartInitException | BadLocationException e) {
                Platform.getLog(ConfigLocationLinks.class).error("cannot open " + file + ":" + line + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void linkEntered() {
        }

        @Override
        public void linkExited() {
        }
    }
}
