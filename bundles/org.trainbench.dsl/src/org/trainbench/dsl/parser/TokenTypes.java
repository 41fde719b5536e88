package org.trainbench.dsl.parser;

import org.antlr.runtime.Token;
import org.trainbench.dsl.parser.YamlTokenizer.Kind;

/**
 * The ANTLR token types of one generated parser (runtime or content assist), so that the
 * tokenizer and the block indentation can serve both. Unsupported YAML has no type of its own:
 * it becomes an invalid token, which Xtext's parser reports and skips.
 */
public record TokenTypes(int plain, int singleQuoted, int doubleQuoted, int colon, int dash, int comma,
		int leftBracket, int rightBracket, int leftBrace, int rightBrace, int whitespace, int comment,
		int documentStart, int begin, int end) {

	public int of(Kind kind) {
		return switch (kind) {
			case PLAIN -> plain;
			case SINGLE_QUOTED -> singleQuoted;
			case DOUBLE_QUOTED -> doubleQuoted;
			case COLON -> colon;
			case DASH -> dash;
			case COMMA -> comma;
			case LEFT_BRACKET -> leftBracket;
			case RIGHT_BRACKET -> rightBracket;
			case LEFT_BRACE -> leftBrace;
			case RIGHT_BRACE -> rightBrace;
			case WHITESPACE -> whitespace;
			case COMMENT -> comment;
			case UNSUPPORTED -> Token.INVALID_TOKEN_TYPE;
			case DOCUMENT_START -> documentStart;
		};
	}

	/** Whitespace, comments and unsupported YAML: not part of the structure. */
	public boolean isHidden(int type) {
		return type == whitespace || type == comment || type == Token.INVALID_TOKEN_TYPE;
	}

	public boolean opensFlow(int type) {
		return type == leftBracket || type == leftBrace;
	}

	public boolean closesFlow(int type) {
		return type == rightBracket || type == rightBrace;
	}
}
