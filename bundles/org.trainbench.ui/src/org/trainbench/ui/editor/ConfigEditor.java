package org.trainbench.ui.editor;

import org.eclipse.jface.action.IAction;
import org.eclipse.ui.editors.text.TextEditor;
import org.eclipse.ui.texteditor.ITextEditorActionDefinitionIds;
import org.eclipse.ui.texteditor.TextOperationAction;
import org.eclipse.jface.text.source.ISourceViewer;

/**
 * Text editor for Fast-LLM training configs: validation annotations, content assist,
 * hover and quick fixes come from the Xtext IDE services, called in-process because
 * Xtext's Eclipse UI bundles are not available.
 */
public class ConfigEditor extends TextEditor {

	public static final String ID = "org.trainbench.ui.editor.config";

	private final ConfigSourceViewerConfiguration configuration = new ConfigSourceViewerConfiguration(this);

	public ConfigEditor() {
		setSourceViewerConfiguration(configuration);
	}

	public ConfigSourceViewerConfiguration configuration() {
		return configuration;
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
	}
}
