package org.trainbench.dsl.parser;

import org.antlr.runtime.CharStream;
import org.antlr.runtime.CommonToken;
import org.antlr.runtime.Token;

/**
 * YAML outside the config subset, as an invalid token on the hidden channel: Xtext's parser
 * reports it as a syntax error with {@link #problem()} as message and otherwise skips it.
 */
public final class UnsupportedToken extends CommonToken {

	private static final long serialVersionUID = 1L;

	private final String problem;

	public UnsupportedToken(CharStream input, int start, int stop, String problem) {
		super(input, Token.INVALID_TOKEN_TYPE, Token.HIDDEN_CHANNEL, start, stop);
		this.problem = problem;
	}

	public String problem() {
		return problem;
	}
}
