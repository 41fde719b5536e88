package org.trainbench.dsl.parser.antlr;

import org.antlr.runtime.CharStream;
import org.antlr.runtime.Token;
import org.eclipse.xtext.parser.antlr.Lexer;
import org.trainbench.dsl.parser.YamlTokenFeed;
import org.trainbench.dsl.parser.YamlTokenizer;

/** The runtime lexer: {@link YamlTokenizer}'s tokens with the runtime parser's token types. */
public class TrainbenchConfigLexer extends Lexer {

	private final YamlTokenFeed feed = new YamlTokenFeed(RuntimeTokenTypes.TYPES);

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
