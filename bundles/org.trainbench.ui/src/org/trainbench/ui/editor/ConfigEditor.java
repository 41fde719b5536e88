package org.trainbench.ui.editor;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.ListenerList;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRewriteTarget;
import org.eclipse.jface.text.ITextViewerExtension;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.jface.text.source.IVerticalRuler;
import org.eclipse.jface.text.source.projection.ProjectionAnnotation;
import org.eclipse.jface.text.source.projection.ProjectionAnnotationModel;
import org.eclipse.jface.text.source.projection.ProjectionSupport;
import org.eclipse.jface.text.source.projection.ProjectionViewer;
import org.eclipse.jface.viewers.IPostSelectionProvider;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.editors.text.TextEditor;
import org.eclipse.ui.ide.ResourceUtil;
import org.eclipse.ui.texteditor.ITextEditorActionConstants;
import org.eclipse.ui.texteditor.ITextEditorActionDefinitionIds;
import org.eclipse.ui.texteditor.TextOperationAction;
import org.eclipse.ui.views.contentoutline.IContentOutlinePage;
import org.eclipse.xtext.formatting2.regionaccess.ITextReplacement;
import org.eclipse.xtext.ide.editor.folding.FoldingRange;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;

/**
 * Text editor for Fast-LLM training configs. The language services of org.trainbench.dsl.ide run
 * in-process (Xtext's Eclipse UI bundles are not available): syntax and semantic colouring,
 * diagnostics as annotations and as markers in the Problems view, content assist, hover, quick
 * fixes, outline, format (Ctrl+Shift+F) and folding. After each change a background job re-parses
 * the text ({@link ConfigReconciler}) and the editor applies the result ({@link ConfigSnapshot}) to
 * all of these at once.
 */
public class ConfigEditor extends TextEditor {

	public static final String ID = "org.trainbench.ui.editor.config";
	/** The Format command, bound to Ctrl+Shift+F in {@link #CONTEXT} (plugin.xml). */
	public static final String FORMAT_COMMAND = "org.trainbench.ui.editor.format";
	/** The key binding context of this editor, a child of the text editor context. */
	public static final String CONTEXT = "org.trainbench.ui.editor.context";

	private final ConfigSourceViewerConfiguration configuration = new ConfigSourceViewerConfiguration(this);
	private final ListenerList<Consumer<ConfigSnapshot>> parseListeners = new ListenerList<>();
	private ConfigReconciler reconciler;
	private ProjectionSupport projectionSupport;
	private ConfigOutlinePage outlinePage;
	private ConfigSnapshot snapshot;
	/** The semantic ranges last coloured, to repaint only when they change. */
	private List<String> semanticKeys = List.of();

	public ConfigEditor() {
		setSourceViewerConfiguration(configuration);
	}

	public ConfigSourceViewerConfiguration configuration() {
		return configuration;
	}

	/** The result of the latest re-parse that matches the document, or null before the first. */
	public ConfigSnapshot snapshot() {
		return snapshot;
	}

	/**
	 * Calls {@code listener} on the UI thread after every re-parse (300 ms after typing stops, and
	 * when a document is opened) with what the services computed from the current text.
	 */
	public void addParseListener(Consumer<ConfigSnapshot> listener) {
		parseListeners.add(listener);
	}

	public void removeParseListener(Consumer<ConfigSnapshot> listener) {
		parseListeners.remove(listener);
	}

	@Override
	protected void initializeKeyBindingScopes() {
		setKeyBindingScopes(new String[] { CONTEXT });
	}

	@Override
	protected ISourceViewer createSourceViewer(Composite parent, IVerticalRuler ruler, int styles) {
		ProjectionViewer viewer = new ProjectionViewer(parent, ruler, getOverviewRuler(), isOverviewRulerVisible(), styles);
		getSourceViewerDecorationSupport(viewer);
		return viewer;
	}

	@Override
	public void createPartControl(Composite parent) {
		super.createPartControl(parent);
		ProjectionViewer viewer = (ProjectionViewer) getSourceViewer();
		projectionSupport = new ProjectionSupport(viewer, getAnnotationAccess(), getSharedColors());
		projectionSupport.addSummarizableAnnotationType(ConfigSourceViewerConfiguration.ERROR);
		projectionSupport.addSummarizableAnnotationType(ConfigSourceViewerConfiguration.WARNING);
		projectionSupport.install();
		viewer.doOperation(ProjectionViewer.TOGGLE);
		viewer.addTextPresentationListener(new ConfigSemanticColouring(viewer));
		// the outline follows the caret (after the caret rests: post-selection)
		((IPostSelectionProvider) viewer.getSelectionProvider()).addPostSelectionChangedListener(event -> {
			if (outlinePage != null) {
				outlinePage.reveal(viewer.getSelectedRange().x);
			}
		});
		reconciler = new ConfigReconciler(viewer, configuration, this::parsed);
	}

	@Override
	protected void doSetInput(IEditorInput input) throws CoreException {
		IFile before = file();
		// counts this editor on a linked file (atomically with finding the link; see ExternalConfigFiles)
		IEditorInput edited = ExternalConfigFiles.inWorkspace(input);
		super.doSetInput(edited);
		IFile after = file();
		if (before != null) {
			if (!before.equals(after)) {
				closed(before);
			} else if (ExternalConfigFiles.isLink(before)) {
				// the same link again: inWorkspace counted this editor a second time
				ExternalConfigFiles.closed(before);
			}
		}
		configuration.setFile(after != null ? location(after) : localPath(edited));
		if (after != null && ExternalConfigFiles.isLink(after) && after.getLocation() != null) {
			// the tab's tooltip shows where the file really is, not the link's workspace path
			setTitleToolTip(after.getLocation().toOSString());
		}
		if (reconciler != null) {
			reconciler.schedule(0);
		}
	}

	/** The workspace file edited (for files outside the workspace: the link to it), or null. */
	public IFile file() {
		return getEditorInput() == null ? null : ResourceUtil.getFile(getEditorInput());
	}

	private static Path location(IFile file) {
		return file.getLocation() == null ? null : Path.of(file.getLocation().toOSString());
	}

	private static Path localPath(IEditorInput input) {
		if (input instanceof IURIEditorInput uriInput) {
			URI uri = uriInput.getURI();
			if (uri != null && "file".equals(uri.getScheme())) {
				return Path.of(uri);
			}
		}
		return null;
	}

	@Override
	protected void createActions() {
		super.createActions();
		// TextEditor has no content assist action of its own: bind Ctrl+Space here.
		IAction assist = new TextOperationAction(
				new java.util.ListResourceBundle() {
					@Override
					protected Object[][] getContents() {
						return new Object[][] { { "ContentAssistProposal.label", "Content Assist" } };
					}
				},
				"ContentAssistProposal.", this, ISourceViewer.CONTENTASSIST_PROPOSALS);
		assist.setActionDefinitionId(ITextEditorActionDefinitionIds.CONTENT_ASSIST_PROPOSALS);
		setAction("ContentAssistProposal", assist);

		IAction format = new Action("&Format") {
			@Override
			public void run() {
				if (validateEditorInputState()) {
					format();
				}
			}
		};
		format.setActionDefinitionId(FORMAT_COMMAND);
		setAction("Format", format);
		markAsStateDependentAction("Format", true);
	}

	@Override
	protected void editorContextMenuAboutToShow(IMenuManager menu) {
		super.editorContextMenuAboutToShow(menu);
		addAction(menu, ITextEditorActionConstants.GROUP_EDIT, "Format");
	}

	/**
	 * Formats the document with the language's formatter, as one undoable change. Returns false
	 * when there was nothing to change or the text has syntax errors (the formatter then
	 * proposes nothing; the status line says why).
	 */
	public boolean format() {
		ISourceViewer viewer = getSourceViewer();
		IDocument document = viewer.getDocument();
		String text = document.get();
		List<ITextReplacement> changes = new ArrayList<>();
		for (ITextReplacement change : configuration.formatChanges(text)) {
			if (!text.substring(change.getOffset(), change.getEndOffset()).equals(change.getReplacementText())) {
				changes.add(change);
			}
		}
		if (changes.isEmpty()) {
			boolean syntaxErrors = snapshot != null && snapshot.text().equals(text) && snapshot.issues().stream()
					.anyMatch(i -> "syntax-error".equals(i.getCode()));
			setStatusLineMessage(syntaxErrors ? "Format: the config has syntax errors; fix them first"
					: "Format: the config is already formatted");
			return false;
		}
		IRewriteTarget target = ((ITextViewerExtension) viewer).getRewriteTarget();
		target.beginCompoundChange();
		try {
			for (ITextReplacement change : changes) { // last first, so earlier offsets stay valid
				document.replace(change.getOffset(), change.getLength(), change.getReplacementText());
			}
		} catch (BadLocationException e) {
			throw new IllegalStateException("formatter change outside the document: " + e.getMessage(), e);
		} finally {
			target.endCompoundChange();
		}
		return true;
	}

	/** Applies a re-parse of the current text: annotations, semantic colours, folding, outline, markers. */
	private void parsed(ConfigSnapshot parsed) {
		ISourceViewer viewer = getSourceViewer();
		if (viewer == null || viewer.getTextWidget() == null || viewer.getTextWidget().isDisposed()) {
			return;
		}
		snapshot = parsed;
		configuration.showIssues(viewer, parsed.issues());
		List<String> semantic = parsed.issues().stream().filter(i -> ConfigSemanticColouring.Style.of(i.getCode()) != null)
				.map(i -> i.getCode() + "@" + i.getOffset() + "+" + i.getLength()).toList();
		if (!semantic.equals(semanticKeys)) {
			semanticKeys = semantic;
			viewer.invalidateTextPresentation();
		}
		updateFolding(parsed.folding());
		if (outlinePage != null) {
			outlinePage.update(parsed.outline());
		}
		IFile file = file();
		if (file != null && file.exists()) {
			ConfigProblemMarkers.replace(file, parsed);
		}
		for (Consumer<ConfigSnapshot> listener : parseListeners) {
			listener.accept(parsed);
		}
	}

	/**
	 * Replaces the folding annotations by the services' ranges widened to whole lines; a range
	 * that is still there keeps its annotation, so what the user collapsed stays collapsed.
	 */
	private void updateFolding(List<FoldingRange> ranges) {
		ProjectionViewer viewer = (ProjectionViewer) getSourceViewer();
		ProjectionAnnotationModel model = viewer.getProjectionAnnotationModel();
		IDocument document = viewer.getDocument();
		if (model == null || document == null) {
			return;
		}
		Set<Position> wanted = new HashSet<>();
		for (FoldingRange range : ranges) {
			Position lines = wholeLines(document, range);
			if (lines != null) {
				wanted.add(lines);
			}
		}
		List<Annotation> deleted = new ArrayList<>();
		model.getAnnotationIterator().forEachRemaining(annotation -> {
			Position position = model.getPosition(annotation);
			if (position == null || !wanted.remove(new Position(position.getOffset(), position.getLength()))) {
				deleted.add(annotation);
			}
		});
		Map<ProjectionAnnotation, Position> added = new HashMap<>();
		for (Position position : wanted) {
			added.put(new ProjectionAnnotation(), position);
		}
		model.modifyAnnotations(deleted.toArray(Annotation[]::new), added, null);
	}

	/** From the start of the range's first line to the start of the line after its last; null within one line. */
	private static Position wholeLines(IDocument document, FoldingRange range) {
		try {
			int end = Math.min(document.getLength(), range.getOffset() + range.getLength());
			int firstLine = document.getLineOfOffset(range.getOffset());
			int lastLine = document.getLineOfOffset(Math.max(range.getOffset(), end - 1));
			if (lastLine <= firstLine) {
				return null;
			}
			int start = document.getLineOffset(firstLine);
			int stop = lastLine + 1 < document.getNumberOfLines() ? document.getLineOffset(lastLine + 1) : document.getLength();
			return new Position(start, stop - start);
		} catch (BadLocationException e) {
			return null;
		}
	}

	@Override
	protected void editorSaved() {
		super.editorSaved();
		// the Problems view must describe the saved text now, not after the next debounce
		if (reconciler != null) {
			reconciler.schedule(0);
		}
	}

	@Override
	public <T> T getAdapter(Class<T> required) {
		if (IContentOutlinePage.class.equals(required)) {
			if (outlinePage == null || (outlinePage.getControl() != null && outlinePage.getControl().isDisposed())) {
				outlinePage = new ConfigOutlinePage(this, snapshot == null ? List.<OutlineNode>of() : snapshot.outline());
			}
			return required.cast(outlinePage);
		}
		if (projectionSupport != null) {
			T adapter = projectionSupport.getAdapter(getSourceViewer(), required);
			if (adapter != null) {
				return adapter;
			}
		}
		return super.getAdapter(required);
	}

	/** The outline page, if the Outline view has asked for it. */
	ConfigOutlinePage outlinePage() {
		return outlinePage;
	}

	/** This editor no longer edits {@code file}: its markers describe the saved file again, or go with its link. */
	private static void closed(IFile file) {
		if (ExternalConfigFiles.isLink(file)) {
			ExternalConfigFiles.closed(file);
		}
		if (file.exists()) {
			ConfigProblemMarkers.editorClosed(file, location(file));
		}
	}

	/**
	 * Removes the links to outside configs that no open editor uses, left from the last session (call once the
	 * workbench has started; the links of editors restored later are made again when they are shown).
	 */
	public static void removeUnusedLinks() {
		ExternalConfigFiles.removeUnusedLinks();
	}

	@Override
	public void dispose() {
		if (reconciler != null) {
			reconciler.dispose();
		}
		IFile file = file();
		if (file != null) {
			closed(file);
		}
		if (projectionSupport != null) {
			projectionSupport.dispose();
		}
		super.dispose();
	}
}
