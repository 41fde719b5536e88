package org.trainbench.dsl.parser.antlr;

import org.antlr.runtime.TokenSource;
import org.trainbench.dsl.parser.BlockIndentation;

/** The runtime parser's indentation: the end of input closes every open block. */
public class TrainbenchConfigTokenSource extends BlockIndentation {

	public TrainbenchConfigTokenSource(TokenSource delegate) {
		super(delegate, RuntimeTokenTypes.TYPES, true);
	}
}
