package org.trainbench.dsl.ide.quickfix;

import java.util.List;
import java.util.Map;

import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.xtext.ide.editor.quickfix.DiagnosticResolution;
import org.eclipse.xtext.ide.editor.quickfix.DiagnosticResolutionAcceptor;
import org.eclipse.xtext.ide.editor.quickfix.IQuickFixProvider;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2.Options;
import org.trainbench.dsl.ide.quickfix.ConfigFixes.Problem;
import org.trainbench.dsl.validation.IssueData;

import com.google.inject.Inject;
import com.google.inject.Provider;

/**
 * {@link ConfigFixes} as Xtext's IDE quick-fix service (used by the language server's code
 * actions): the fixes for the diagnostic's issue code, as text edits.
 */
public class ConfigQuickfixProvider implements IQuickFixProvider {

	@Inject
	private Provider<DiagnosticResolutionAcceptor> acceptors;

	@Override
	public List<DiagnosticResolution> getResolutions(Options options, Diagnostic diagnostic) {
		DiagnosticResolutionAcceptor acceptor = acceptors.get();
		Document document = options.getDocument();
		String code = diagnostic.getCode() == null ? null : diagnostic.getCode().getLeft();
		if (code == null || document == null) {
			return List.of();
		}
		int offset = document.getOffSet(diagnostic.getRange().getStart());
		int end = document.getOffSet(diagnostic.getRange().getEnd());
		Map<String, String> data = IssueData.decode(issueData(diagnostic.getData()));
		Problem problem = new Problem(code, offset, end - offset, data.getOrDefault(IssueData.KEY_PATH, ""), data);
		for (ConfigFixes.Fix fix : ConfigFixes.forProblem(document.getContents(), problem)) {
			ConfigFixes.TextChange change = fix.change();
			Range range = new Range(document.getPosition(change.offset()),
					document.getPosition(change.offset() + change.length()));
			acceptor.accept(fix.label(), (d, element, doc) -> List.of(new TextEdit(range, change.text())));
		}
		return acceptor.getDiagnosticResolutions(options, diagnostic);
	}

	/** The issue data: a String[] in process; a JSON array of strings when it came over the wire. */
	private static String[] issueData(Object data) {
		if (data instanceof String[] strings) {
			return strings;
		}
		if (data instanceof Iterable<?> items) {
			List<String> result = new java.util.ArrayList<>();
			for (Object item : items) {
				String text = String.valueOf(item);
				result.add(text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
						? text.substring(1, text.length() - 1) : text);
			}
			return result.toArray(String[]::new);
		}
		return new String[0];
	}
}
