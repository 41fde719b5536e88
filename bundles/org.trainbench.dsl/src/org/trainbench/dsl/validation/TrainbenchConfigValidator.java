package org.trainbench.dsl.validation;

import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.validation.Check;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.tree.DocumentPaths;
import org.trainbench.dsl.tree.YamlTreeBuilder;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.yaml.SourceRange;

/**
 * Reports the engine's diagnostics. The checks of a config live in the engine (ConfigChecker),
 * so that the editor, {@code trainbench validate} and {@code trainbench train} agree: this
 * validator only hands the checker the engine's tree of the document and turns each diagnostic
 * into an Xtext issue with the same code, severity, message and range. The key path and the
 * quick-fix data travel as issue data ({@link IssueData}).
 */
public class TrainbenchConfigValidator extends AbstractTrainbenchConfigValidator {

	@Check
	public void checkWithTheEngine(Document document) {
		if (!document.eResource().getErrors().isEmpty()) {
			// a text with syntax errors has no tree the engine would read: `trainbench validate` reports only
			// the syntax error, and so does the editor
			return;
		}
		ICompositeNode root = NodeModelUtils.getNode(document).getRootNode();
		List<Diagnostic> diagnostics = ConfigChecker.check(YamlTreeBuilder.build(document), DocumentPaths.configFile(document.eResource()));
		for (Diagnostic diagnostic : diagnostics) {
			SourceRange range = diagnostic.range();
			EObject element = elementAt(root, range.offset(), document);
			String[] data = IssueData.encode(diagnostic);
			switch (diagnostic.severity()) {
				case ERROR -> getMessageAcceptor().acceptError(diagnostic.message(), element, range.offset(),
						range.length(), diagnostic.code(), data);
				case WARNING -> getMessageAcceptor().acceptWarning(diagnostic.message(), element, range.offset(),
						range.length(), diagnostic.code(), data);
				case INFO -> getMessageAcceptor().acceptInfo(diagnostic.message(), element, range.offset(),
						range.length(), diagnostic.code(), data);
			}
		}
	}

	/** The innermost element at an offset, which quick fixes receive with the issue. */
	private static EObject elementAt(ICompositeNode root, int offset, Document fallback) {
		ILeafNode leaf = NodeModelUtils.findLeafNodeAtOffset(root, offset);
		EObject element = leaf == null ? null : NodeModelUtils.findActualSemanticObjectFor(leaf);
		return element != null ? element : fallback;
	}
}
