package org.trainbench.dsl.parser.antlr;

import org.antlr.runtime.Token;
import org.antlr.runtime.TokenSource;
import org.eclipse.xtext.parser.antlr.XtextTokenStream;
import org.trainbench.dsl.parser.UnsupportedToken;

/** The runtime parser, whose token stream hands Xtext the problem of each {@link UnsupportedToken}. */
public class ConfigParser extends TrainbenchConfigParser {

	@Override
	protected XtextTokenStream createTokenStream(TokenSource tokenSource) {
		return new XtextTokenStream(tokenSource, getTokenDefProvider()) {
			@Override
			public String getLexerErrorMessage(Token invalidToken) {
				if (invalidToken instanceof UnsupportedToken unsupported) {
					return unsupported.problem();
				}
				return super.getLexerErrorMessage(invalidToken);
			}
		};
	}
}
