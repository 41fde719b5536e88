package org.trainbench.dsl.ide.contentassist.antlr;

import org.antlr.runtime.CharStream;
import org.antlr.runtime.Token;
import org.eclipse.xtext.ide.editor.contentassist.antlr.internal.Lexer;
import org.trainbench.dsl.parser.YamlTokenFeed;
import org.trainbench.dsl.parser.YamlTokenizer;

/** The content-assist lexer: {@link YamlTokenizer}'s tokens with the content-assist parser's token types. */
public class ContentAssistLexer extends Lexer {

	private final YamlTokenFeed feed = new YamlTokenFeed(ContentAssistTokenTypes.TYPES);

	public ContentAssistLexer() {
	}

	@Override
	public void setCharStream(CharStream input) {
		super.setCharStream(input);
		feed.reset(input);
	}

	@Override
	public void reset() {
		super.reset();
		feed.reset(input);
	}

	@Override
	public Token nextToken() {
		return feed.nextToken();
	}

	@Override
	public void mTokens() {
		throw new UnsupportedOperationException("tokens come from YamlTokenizer");
	}
}
