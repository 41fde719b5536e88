package org.trainbench.dsl.parser;

import java.util.List;

import org.antlr.runtime.CharStream;
import org.antlr.runtime.CommonToken;
import org.antlr.runtime.Token;

/**
 * Hands out the tokens of {@link YamlTokenizer} as ANTLR tokens of one parser's types. The
 * runtime and the content-assist lexers (which have different base classes) delegate here.
 */
public final class YamlTokenFeed {

	private final TokenTypes types;
	private CharStream input;
	private List<YamlTokenizer.Token> tokens;
	private int next;

	public YamlTokenFeed(TokenTypes types) {
		this.types = types;
	}

	public void reset(CharStream input) {
		this.input = input;
		this.tokens = null;
		this.next = 0;
	}

	public Token nextToken() {
		if (tokens == null) {
			String text = input == null || input.size() == 0 ? "" : input.substring(0, input.size() - 1);
			tokens = YamlTokenizer.tokenize(text);
		}
		if (next >= tokens.size()) {
			return Token.EOF_TOKEN;
		}
		YamlTokenizer.Token t = tokens.get(next++);
		CommonToken result = t.kind() == YamlTokenizer.Kind.UNSUPPORTED
				? new UnsupportedToken(input, t.start(), t.end() - 1, t.problem())
				: new CommonToken(input, types.of(t.kind()), Token.DEFAULT_CHANNEL, t.start(), t.end() - 1);
		result.setLine(t.line());
		result.setCharPositionInLine(t.column());
		return result;
	}
}
