package org.trainbench.dsl.ide;

import org.eclipse.xtext.ide.LexerIdeBindings;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.antlr.internal.Lexer;
import org.eclipse.xtext.ide.editor.folding.IFoldingRangeProvider;
import org.eclipse.xtext.ide.editor.quickfix.IQuickFixProvider;
import org.eclipse.xtext.ide.server.hover.IHoverService;
import org.eclipse.xtext.ide.server.symbol.IDocumentSymbolService;
import org.trainbench.dsl.ide.contentassist.ConfigProposalProvider;
import org.trainbench.dsl.ide.contentassist.antlr.ContentAssistLexer;
import org.trainbench.dsl.ide.folding.ConfigFoldingRangeProvider;
import org.trainbench.dsl.ide.hover.ConfigHoverService;
import org.trainbench.dsl.ide.outline.ConfigDocumentSymbolService;
import org.trainbench.dsl.ide.quickfix.ConfigQuickfixProvider;

import com.google.inject.Binder;
import com.google.inject.name.Names;

/** Editor-agnostic IDE services of the config language. */
public class TrainbenchConfigIdeModule extends AbstractTrainbenchConfigIdeModule {

	public Class<? extends IdeContentProposalProvider> bindIdeContentProposalProvider() {
		return ConfigProposalProvider.class;
	}

	public Class<? extends IHoverService> bindIHoverService() {
		return ConfigHoverService.class;
	}

	public Class<? extends IQuickFixProvider> bindIQuickFixProvider() {
		return ConfigQuickfixProvider.class;
	}

	public Class<? extends IDocumentSymbolService> bindIDocumentSymbolService() {
		return ConfigDocumentSymbolService.class;
	}

	public Class<? extends IFoldingRangeProvider> bindIFoldingRangeProvider() {
		return ConfigFoldingRangeProvider.class;
	}

	@Override
	public void configureContentAssistLexer(Binder binder) {
		binder.bind(Lexer.class).annotatedWith(Names.named(LexerIdeBindings.CONTENT_ASSIST)).to(ContentAssistLexer.class);
	}
}
