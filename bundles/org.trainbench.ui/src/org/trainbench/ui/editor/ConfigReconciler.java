package org.trainbench.ui.editor;

import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.text.DocumentEvent;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IDocumentListener;
import org.eclipse.jface.text.ITextInputListener;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Display;

/**
 * Re-parses the document in a background job 300 ms after the last change (so that typing does
 * not re-validate on every key stroke) and once when a document is set, then hands the
 * {@link ConfigSnapshot} to the editor on the UI thread. A snapshot whose text the document no
 * longer has is dropped: the change that made it stale has already scheduled the next run.
 */
final class ConfigReconciler {

	static final long DELAY_MS = 300;

	private final ISourceViewer viewer;
	private final ConfigSourceViewerConfiguration configuration;
	private final Consumer<ConfigSnapshot> onParsed;
	private final IDocumentListener changes = new IDocumentListener() {
		@Override
		public void documentAboutToBeChanged(DocumentEvent event) {
		}

		@Override
		public void documentChanged(DocumentEvent event) {
			schedule(DELAY_MS);
		}
	};
	private final Job job = new Job("Check training config") {
		@Override
		protected IStatus run(IProgressMonitor monitor) {
			try {
				return parse(monitor);
			} catch (SWTException e) {
				// the display went away while the workbench closed: nothing left to show it in
				return Status.OK_STATUS;
			}
		}

		private IStatus parse(IProgressMonitor monitor) {
			String text = currentText();
			if (text == null || monitor.isCanceled()) {
				return Status.OK_STATUS;
			}
			ConfigSnapshot snapshot = configuration.snapshot(text);
			Display display = display();
			if (display != null) {
				display.asyncExec(() -> {
					if (text.equals(currentText())) {
						onParsed.accept(snapshot);
					}
				});
			}
			return Status.OK_STATUS;
		}
	};
	private volatile boolean disposed;

	ConfigReconciler(ISourceViewer viewer, ConfigSourceViewerConfiguration configuration,
			Consumer<ConfigSnapshot> onParsed) {
		this.viewer = viewer;
		this.configuration = configuration;
		this.onParsed = onParsed;
		job.setSystem(true);
		if (viewer.getDocument() != null) {
			viewer.getDocument().addDocumentListener(changes);
		}
		viewer.addTextInputListener(new ITextInputListener() {
			@Override
			public void inputDocumentAboutToBeChanged(IDocument oldInput, IDocument newInput) {
				if (oldInput != null) {
					oldInput.removeDocumentListener(changes);
				}
			}

			@Override
			public void inputDocumentChanged(IDocument oldInput, IDocument newInput) {
				if (newInput != null) {
					newInput.addDocumentListener(changes);
					schedule(0);
				}
			}
		});
		schedule(0);
	}

	/** Runs the services again after {@code delayMillis}, replacing a run that has not started. */
	void schedule(long delayMillis) {
		if (!disposed) {
			job.cancel();
			job.schedule(delayMillis);
		}
	}

	void dispose() {
		disposed = true;
		job.cancel();
	}

	private Display display() {
		StyledText widget = viewer.getTextWidget();
		return widget == null || widget.isDisposed() ? null : widget.getDisplay();
	}

	/** The document's text, read on the UI thread; null once the editor is closed. */
	private String currentText() {
		Display display = display();
		if (disposed || display == null) {
			return null;
		}
		if (Display.getCurrent() == display) {
			IDocument document = viewer.getDocument();
			return document == null ? null : document.get();
		}
		String[] text = new String[1];
		display.syncExec(() -> {
			IDocument document = disposed ? null : viewer.getDocument();
			text[0] = document == null ? null : document.get();
		});
		return text[0];
	}
}
