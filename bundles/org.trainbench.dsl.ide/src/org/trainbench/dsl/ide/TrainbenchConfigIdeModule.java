package org.trainbench.dsl.ide;

import org.eclipse.xtext.ide.LexerIdeBindings;
import org.eclipse.xtext.ide.editor.contentassist.antlr.internal.Lexer;
import org.trainbench.dsl.ide.contentassist.antlr.ContentAssistLexer;

import com.google.inject.Binder;
import com.google.inject.name.Names;

/** Editor-agnostic IDE services of the config language. */
public class TrainbenchConfigIdeModule extends AbstractTrainbenchConfigIdeModule {

	@Override
	public void configureContentAssistLexer(Binder binder) {
		binder.bind(Lexer.class).annotatedWith(Names.named(LexerIdeBindings.CONTENT_ASSIST)).to(ContentAssistLexer.class);
	}
}
