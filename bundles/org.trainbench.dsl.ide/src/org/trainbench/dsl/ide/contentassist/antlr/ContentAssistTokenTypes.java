package org.trainbench.dsl.ide.contentassist.antlr;

import static org.trainbench.dsl.ide.contentassist.antlr.internal.InternalTrainbenchConfigParser.*;

import org.trainbench.dsl.parser.TokenTypes;

final class ContentAssistTokenTypes {

	static final TokenTypes TYPES = new TokenTypes(RULE_PLAIN, RULE_SINGLE_QUOTED, RULE_DOUBLE_QUOTED, Colon,
			HyphenMinus, Comma, LeftSquareBracket, RightSquareBracket, LeftCurlyBracket, RightCurlyBracket, RULE_WS,
			RULE_COMMENT, RULE_DOCUMENT_START, RULE_BEGIN, RULE_END);

	private ContentAssistTokenTypes() {
	}
}
