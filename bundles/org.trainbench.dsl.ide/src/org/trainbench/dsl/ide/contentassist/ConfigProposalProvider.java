package org.trainbench.dsl.ide.contentassist;

import java.util.Collection;

import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IIdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.resource.XtextResource;
import org.trainbench.dsl.tree.DocumentPaths;

/**
 * Content assist as an Xtext IDE service: the proposals of {@link ConfigCompletions} for the
 * cursor of the context. The grammar's follow elements are not used: what fits at a position of a
 * config is decided by the engine's schema and the indentation, not by the YAML grammar.
 */
public class ConfigProposalProvider extends IdeContentProposalProvider {

	@Override
	public void createProposals(Collection<ContentAssistContext> contexts, IIdeContentProposalAcceptor acceptor) {
		if (contexts.isEmpty()) {
			return;
		}
		// all contexts share the cursor and the text; they differ only in grammar alternatives
		ContentAssistContext context = contexts.iterator().next();
		XtextResource resource = context.getResource();
		if (resource == null || resource.getParseResult() == null) {
			return;
		}
		String text = resource.getParseResult().getRootNode().getText();
		int priority = 1_000_000;
		for (ContentAssistEntry entry : ConfigCompletions.at(text, context.getOffset(),
				DocumentPaths.configFile(resource))) {
			if (!acceptor.canAcceptMoreProposals()) {
				return;
			}
			acceptor.accept(entry, priority--);
		}
	}
}
