package org.trainbench.dsl.parser.antlr;

import static org.trainbench.dsl.parser.antlr.internal.InternalTrainbenchConfigParser.*;

import org.trainbench.dsl.parser.TokenTypes;

final class RuntimeTokenTypes {

	static final TokenTypes TYPES = new TokenTypes(RULE_PLAIN, RULE_SINGLE_QUOTED, RULE_DOUBLE_QUOTED, Colon,
			HyphenMinus, Comma, LeftSquareBracket, RightSquareBracket, LeftCurlyBracket, RightCurlyBracket, RULE_WS,
			RULE_COMMENT, RULE_DOCUMENT_START, RULE_BEGIN, RULE_END);

	private RuntimeTokenTypes() {
	}
}
