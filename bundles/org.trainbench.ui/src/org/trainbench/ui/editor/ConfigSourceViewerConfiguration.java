package org.trainbench.ui.editor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.presentation.IPresentationReconciler;
import org.eclipse.jface.text.presentation.PresentationReconciler;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.Region;
import org.eclipse.jface.text.contentassist.CompletionProposal;
import org.eclipse.jface.text.contentassist.ContentAssistant;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.contentassist.IContentAssistProcessor;
import org.eclipse.jface.text.contentassist.IContentAssistant;
import org.eclipse.jface.text.contentassist.IContextInformation;
import org.eclipse.jface.text.contentassist.IContextInformationValidator;
import org.eclipse.jface.text.quickassist.IQuickAssistAssistant;
import org.eclipse.jface.text.quickassist.IQuickAssistInvocationContext;
import org.eclipse.jface.text.quickassist.IQuickAssistProcessor;
import org.eclipse.jface.text.quickassist.QuickAssistAssistant;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.jface.text.source.IAnnotationModelExtension;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.ui.editors.text.TextSourceViewerConfiguration;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.formatting2.regionaccess.ITextReplacement;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.validation.Issue;
import org.trainbench.dsl.ide.ConfigEditorServices;
import org.trainbench.dsl.ide.quickfix.ConfigFixes.Fix;

/**
 * Wires the config language services into a JFace source viewer: colouring, content assist,
 * hover, quick fixes. One parsed resource per editor, updated on each change; services run under
 * a lock because the resource is not thread-safe and {@link ConfigReconciler} uses it from a
 * background job.
 */
public class ConfigSourceViewerConfiguration extends TextSourceViewerConfiguration {

	static final String ERROR = "org.eclipse.ui.workbench.texteditor.error";
	static final String WARNING = "org.eclipse.ui.workbench.texteditor.warning";

	private final ConfigEditorServices services = ConfigEditorServices.create();
	private XtextResource resource;
	/** Where the config lives: relative dataset and checkpoint paths are checked against its directory. */
	private Path file = Path.of("config.yaml");

	ConfigSourceViewerConfiguration(ConfigEditor editor) {
	}

	/** The file the edited text belongs to (null: unknown); the next parse resolves paths against it. */
	synchronized void setFile(Path file) {
		Path next = file != null ? file : Path.of("config.yaml");
		if (!next.equals(this.file)) {
			this.file = next;
			resource = null;
		}
	}

	/** The parsed resource, brought up to date with the document text. */
	synchronized XtextResource resource(IDocument document) {
		return resource(document.get());
	}

	private synchronized XtextResource resource(String text) {
		if (resource == null) {
			resource = services.parse(text, file);
		} else if (!text.equals(ConfigEditorServices.text(resource))) {
			services.update(resource, text);
		}
		return resource;
	}

	synchronized List<Issue> validate(IDocument document) {
		return services.validate(resource(document));
	}

	/** Parses {@code text} and computes everything the editor shows from it; called by the reconciler's job. */
	synchronized ConfigSnapshot snapshot(String text) {
		XtextResource parsed = resource(text);
		List<Issue> issues = services.validate(parsed);
		return new ConfigSnapshot(text, file, issues, services.outline(parsed), List.copyOf(services.folding(parsed)));
	}

	/** The replacements that format {@code text}, last first (none while it has syntax errors). */
	synchronized List<ITextReplacement> formatChanges(String text) {
		List<ITextReplacement> changes = new ArrayList<>(services.format(resource(text)));
		changes.sort((a, b) -> Integer.compare(b.getOffset(), a.getOffset()));
		return changes;
	}

	@Override
	public IPresentationReconciler getPresentationReconciler(ISourceViewer sourceViewer) {
		PresentationReconciler reconciler = new PresentationReconciler();
		ConfigSyntaxColouring colouring = new ConfigSyntaxColouring();
		reconciler.setDamager(colouring, IDocument.DEFAULT_CONTENT_TYPE);
		reconciler.setRepairer(colouring, IDocument.DEFAULT_CONTENT_TYPE);
		return reconciler;
	}

	@Override
	public IContentAssistant getContentAssistant(ISourceViewer sourceViewer) {
		ContentAssistant assistant = new ContentAssistant();
		assistant.setContentAssistProcessor(new CompletionProcessor(), IDocument.DEFAULT_CONTENT_TYPE);
		assistant.setInformationControlCreator(getInformationControlCreator(sourceViewer));
		assistant.enableAutoActivation(false);
		return assistant;
	}

	@Override
	public ITextHover getTextHover(ISourceViewer sourceViewer, String contentType) {
		return new ITextHover() {
			@Override
			public String getHoverInfo(ITextViewer viewer, IRegion region) {
				synchronized (ConfigSourceViewerConfiguration.this) {
					XtextResource r = resource(viewer.getDocument());
					StringBuilder markdown = new StringBuilder();
					// A misspelled key has no documentation to show: its problem and fix are what the reader needs.
					for (Issue issue : issuesAt(r, region.getOffset())) {
						markdown.append(markdown.isEmpty() ? "" : "\n\n").append("**")
								.append(issue.getSeverity() == org.eclipse.xtext.diagnostics.Severity.ERROR ? "Error" : "Warning")
								.append(":** ").append(issue.getMessage());
						for (Fix fix : services.quickFixes(r, issue)) {
							markdown.append("\nQuick fix (Ctrl+1): ").append(fix.label());
						}
					}
					services.hover(r, region.getOffset()).ifPresent(
							h -> markdown.append(markdown.isEmpty() ? "" : "\n\n").append(h.markdown()));
					return markdown.isEmpty() ? null : PopupText.html(markdown.toString());
				}
			}

			@Override
			public IRegion getHoverRegion(ITextViewer viewer, int offset) {
				return new Region(offset, 0);
			}
		};
	}

	@Override
	public IQuickAssistAssistant getQuickAssistAssistant(ISourceViewer sourceViewer) {
		QuickAssistAssistant assistant = new QuickAssistAssistant();
		assistant.setQuickAssistProcessor(new FixProcessor());
		assistant.setInformationControlCreator(getInformationControlCreator(sourceViewer));
		return assistant;
	}

	/** Replaces the issue annotations with those of {@code found} (offsets in the current text). */
	void showIssues(ISourceViewer viewer, List<Issue> found) {
		IAnnotationModel model = viewer.getAnnotationModel();
		if (model == null) {
			return;
		}
		List<Annotation> old = new ArrayList<>();
		model.getAnnotationIterator().forEachRemaining(a -> {
			if (a instanceof IssueAnnotation) {
				old.add(a);
			}
		});
		Map<Annotation, Position> added = new HashMap<>();
		for (Issue issue : found) {
			if (issue.getOffset() == null) {
				continue;
			}
			String type = issue.getSeverity() == Severity.ERROR ? ERROR : WARNING;
			added.put(new IssueAnnotation(type, issue),
					new Position(issue.getOffset(), Math.max(0, issue.getLength() == null ? 0 : issue.getLength())));
		}
		if (model instanceof IAnnotationModelExtension extension) {
			extension.replaceAnnotations(old.toArray(Annotation[]::new), added);
		} else {
			old.forEach(model::removeAnnotation);
			added.forEach(model::addAnnotation);
		}
	}

	/** An annotation that remembers the issue it shows, for quick fixes. */
	public static final class IssueAnnotation extends Annotation {
		private final Issue issue;

		IssueAnnotation(String type, Issue issue) {
			super(type, false, issue.getMessage());
			this.issue = issue;
		}

		public Issue issue() {
			return issue;
		}
	}

	/** Completion over the language's content assist; the documentation shows as additional info. */
	public final class CompletionProcessor implements IContentAssistProcessor {
		@Override
		public ICompletionProposal[] computeCompletionProposals(ITextViewer viewer, int offset) {
			List<ContentAssistEntry> entries;
			synchronized (ConfigSourceViewerConfiguration.this) {
				entries = services.complete(resource(viewer.getDocument()), offset);
			}
			List<ICompletionProposal> proposals = new ArrayList<>();
			for (ContentAssistEntry entry : entries) {
				String prefix = entry.getPrefix() == null ? "" : entry.getPrefix();
				int start = Math.max(0, offset - prefix.length());
				String label = entry.getLabel() != null ? entry.getLabel() : entry.getProposal();
				if (entry.getDescription() != null) {
					label = label + " - " + entry.getDescription();
				}
				Object doc = entry.getDocumentation();
				proposals.add(new CompletionProposal(entry.getProposal(), start, offset - start,
						entry.getProposal().length(), null, label, null, doc == null ? null : PopupText.html(doc.toString())));
			}
			return proposals.toArray(ICompletionProposal[]::new);
		}

		@Override
		public IContextInformation[] computeContextInformation(ITextViewer viewer, int offset) {
			return null;
		}

		@Override
		public char[] getCompletionProposalAutoActivationCharacters() {
			return null;
		}

		@Override
		public char[] getContextInformationAutoActivationCharacters() {
			return null;
		}

		@Override
		public String getErrorMessage() {
			return null;
		}

		@Override
		public IContextInformationValidator getContextInformationValidator() {
			return null;
		}
	}

	/** The issues whose region covers {@code offset} (its ends included), as the quick fixes and the hover find them. */
	private List<Issue> issuesAt(XtextResource resource, int offset) {
		List<Issue> covering = new ArrayList<>();
		for (Issue issue : services.validate(resource)) {
			if (issue.getOffset() != null && offset >= issue.getOffset()
					&& offset <= issue.getOffset() + (issue.getLength() == null ? 0 : issue.getLength())) {
				covering.add(issue);
			}
		}
		return covering;
	}

	/** Quick fixes for the issues that cover the cursor. */
	public final class FixProcessor implements IQuickAssistProcessor {
		@Override
		public String getErrorMessage() {
			return null;
		}

		@Override
		public boolean canFix(Annotation annotation) {
			return annotation instanceof IssueAnnotation;
		}

		@Override
		public boolean canAssist(IQuickAssistInvocationContext context) {
			return false;
		}

		@Override
		public ICompletionProposal[] computeQuickAssistProposals(IQuickAssistInvocationContext context) {
			int offset = context.getOffset();
			List<ICompletionProposal> proposals = new ArrayList<>();
			synchronized (ConfigSourceViewerConfiguration.this) {
				XtextResource r = resource(context.getSourceViewer().getDocument());
				for (Issue issue : issuesAt(r, offset)) {
					for (Fix fix : services.quickFixes(r, issue)) {
						// The cursor position is relative to the replaced region: the caret lands after the fix's text.
						proposals.add(new CompletionProposal(fix.change().text(), fix.change().offset(),
								fix.change().length(), fix.change().text().length(), null,
								fix.label(), null, null));
					}
				}
			}
			return proposals.toArray(ICompletionProposal[]::new);
		}
	}
}
