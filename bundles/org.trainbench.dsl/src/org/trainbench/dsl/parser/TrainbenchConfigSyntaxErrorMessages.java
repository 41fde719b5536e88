package org.trainbench.dsl.parser;

import org.antlr.runtime.RecognitionException;
import org.antlr.runtime.Token;
import org.eclipse.xtext.nodemodel.SyntaxErrorMessage;
import org.eclipse.xtext.parser.antlr.SyntaxErrorMessageProvider;
import org.trainbench.dsl.parser.antlr.internal.InternalTrainbenchConfigParser;
import org.trainbench.engine.config.check.IssueCodes;

/**
 * Syntax errors carry the engine's issue code ({@link IssueCodes#SYNTAX_ERROR}), as in
 * {@code trainbench validate}, and say what is wrong in YAML terms where ANTLR would speak of tokens: the synthetic BEGIN/END
 * tokens are indentation. (Unsupported YAML comes with its own message: see {@link UnsupportedToken}.)
 */
public class TrainbenchConfigSyntaxErrorMessages extends SyntaxErrorMessageProvider {

	@Override
	public SyntaxErrorMessage getSyntaxErrorMessage(IParserErrorContext context) {
		RecognitionException exception = context.getRecognitionException();
		String defaultMessage = context.getDefaultMessage();
		Token token = exception == null ? null : exception.token;
		if (token != null) {
			switch (token.getType()) {
				case InternalTrainbenchConfigParser.RULE_BEGIN:
					return new SyntaxErrorMessage("unexpected indentation: this line is indented deeper than the"
							+ " lines before it, but only the line after `key:` or `-` may start a nested block"
							+ " (a value that continues on the next line must be written on one line, or quoted)",
							IssueCodes.SYNTAX_ERROR);
				case InternalTrainbenchConfigParser.RULE_END:
					return new SyntaxErrorMessage("this block ends before it is complete: " + defaultMessage
							.replace("''", "the end of the block"), IssueCodes.SYNTAX_ERROR);
				default:
					break;
			}
		}
		return new SyntaxErrorMessage(defaultMessage, IssueCodes.SYNTAX_ERROR);
	}

	@Override
	public SyntaxErrorMessage getSyntaxErrorMessage(IValueConverterErrorContext context) {
		return new SyntaxErrorMessage(context.getDefaultMessage(), IssueCodes.SYNTAX_ERROR);
	}
}
