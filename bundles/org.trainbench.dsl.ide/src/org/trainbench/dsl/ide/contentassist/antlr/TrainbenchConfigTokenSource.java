package org.trainbench.dsl.ide.contentassist.antlr;

import org.antlr.runtime.TokenSource;
import org.trainbench.dsl.parser.BlockIndentation;

/**
 * The content-assist parser's indentation: it reads the text up to the cursor, so blocks open
 * at the end stay open (the cursor is inside them).
 */
public class TrainbenchConfigTokenSource extends BlockIndentation {

	public TrainbenchConfigTokenSource(TokenSource delegate) {
		super(delegate, ContentAssistTokenTypes.TYPES, false);
	}
}
