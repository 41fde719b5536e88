package org.trainbench.dsl.parser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.antlr.runtime.CommonToken;
import org.antlr.runtime.Token;
import org.antlr.runtime.TokenSource;

/**
 * Turns YAML block indentation into the synthetic BEGIN/END tokens of the grammar.
 *
 * <p>Only significant tokens count: the column of the first significant token of a line is its
 * indentation, so comment-only and blank lines never open or close a block. Inside flow
 * collections ([..], {..}) line breaks mean nothing.
 *
 * <ul>
 * <li>A line deeper than the current block opens one (BEGIN). After "key:" that is the value;
 * anywhere else the parser reports an unexpected indentation.</li>
 * <li>A shallower line closes blocks (END) down to its column.</li>
 * <li>Content after "- " on the same line opens a block at its own column, as YAML's compact
 * notation says: in "- name: x" the mapping lines up with "name", so a following "  size: 1"
 * continues it.</li>
 * <li>"key:" with nothing on its line and no deeper line below is an empty block (BEGIN END): the
 * value is null, and the next line's key is not mistaken for the value.</li>
 * </ul>
 *
 * END tokens sit at the end of the block's last token and BEGIN tokens at the start of the
 * block's first one, so that the node model's regions cover exactly the block's text.
 */
public class BlockIndentation implements TokenSource {

	/** Deepest nesting of blocks and flow collections, as in the engine's parser; the parser recurses per level. */
	public static final int MAX_NESTING = 100;

	private final TokenSource delegate;
	private final TokenTypes types;
	private final boolean closeBlocksAtEnd;

	private final Deque<Token> ready = new ArrayDeque<>();
	/** Comments, whitespace and the document start marker: passed on in order, never counted for indentation. */
	private final List<Token> passThrough = new ArrayList<>();
	private final Deque<Integer> blockColumns = new ArrayDeque<>();
	private Token lastSignificant;
	private int lastSignificantEndLine;
	private int flowDepth;
	private boolean afterBlockColon;
	private boolean afterBlockDash;

	/**
	 * @param closeBlocksAtEnd whether the end of input closes all open blocks; the content-assist
	 *                         parser sees only the text before the cursor and keeps them open
	 */
	protected BlockIndentation(TokenSource delegate, TokenTypes types, boolean closeBlocksAtEnd) {
		this.delegate = delegate;
		this.types = types;
		this.closeBlocksAtEnd = closeBlocksAtEnd;
	}

	@Override
	public Token nextToken() {
		while (ready.isEmpty()) {
			Token token = delegate.nextToken();
			if (token.getType() == Token.EOF) {
				atEnd(token);
			} else if (types.isHidden(token.getType()) || token.getType() == types.documentStart()) {
				passThrough.add(token);
			} else {
				beforeSignificant(token);
			}
		}
		return ready.poll();
	}

	private void beforeSignificant(Token token) {
		boolean opened = true;
		if (lastSignificant == null) {
			blockColumns.push(token.getCharPositionInLine());
			flushPassThrough();
		} else if (token.getLine() > lastSignificantEndLine && flowDepth == 0) {
			opened = atLineStart(token);
		} else {
			flushPassThrough();
			if (afterBlockDash) {
				opened = open(token);
			}
		}
		if (!opened) {
			// deeper than the parser may recurse: the token becomes an error and is skipped
			CommonToken common = (CommonToken) token;
			ready.add(new UnsupportedToken(common.getInputStream(), common.getStartIndex(), common.getStopIndex(),
					"collections are nested more than " + MAX_NESTING + " levels deep"));
			// later END tokens must come after it: it counts as the last token, though not as content
			lastSignificant = token;
			lastSignificantEndLine = token.getLine();
			afterBlockColon = false;
			afterBlockDash = false;
			return;
		}
		ready.add(token);
		int type = token.getType();
		if (types.opensFlow(type)) {
			flowDepth++;
		} else if (types.closesFlow(type) && flowDepth > 0) {
			flowDepth--;
		}
		afterBlockColon = type == types.colon() && flowDepth == 0;
		afterBlockDash = type == types.dash() && flowDepth == 0;
		lastSignificant = token;
		lastSignificantEndLine = token.getLine() + lineBreaksIn(token.getText());
	}

	/** Returns false when the block the token opens would nest too deep. */
	private boolean atLineStart(Token token) {
		int column = token.getCharPositionInLine();
		int current = blockColumns.peek();
		if (column > current && (afterBlockColon || afterBlockDash)) {
			flushPassThrough();
			return open(token);
		}
		if (afterBlockColon && !(column == current && token.getType() == types.dash())) {
			ready.add(structural(types.begin(), endOf(lastSignificant)));
			ready.add(structural(types.end(), endOf(lastSignificant)));
		}
		while (column < blockColumns.peek() && blockColumns.size() > 1) {
			blockColumns.pop();
			ready.add(structural(types.end(), endOf(lastSignificant)));
		}
		if (column < blockColumns.peek()) {
			// shallower than the document's first line: no block to return to
			ready.add(structural(types.end(), endOf(lastSignificant)));
		}
		flushPassThrough();
		if (column > blockColumns.peek()) {
			// deeper than its block without "key:" or "-" before it: the parser reports it
			return open(token);
		}
		return true;
	}

	private void atEnd(Token eof) {
		if (closeBlocksAtEnd && lastSignificant != null) {
			if (afterBlockColon) {
				ready.add(structural(types.begin(), endOf(lastSignificant)));
				ready.add(structural(types.end(), endOf(lastSignificant)));
			}
			while (blockColumns.size() > 1) {
				blockColumns.pop();
				ready.add(structural(types.end(), endOf(lastSignificant)));
			}
		}
		flushPassThrough();
		ready.add(eof);
	}

	private boolean open(Token first) {
		if (blockColumns.size() - 1 + flowDepth >= MAX_NESTING) {
			return false;
		}
		blockColumns.push(first.getCharPositionInLine());
		CommonToken begin = structural(types.begin(), ((CommonToken) first).getStartIndex());
		begin.setLine(first.getLine());
		ready.add(begin);
		return true;
	}

	private void flushPassThrough() {
		ready.addAll(passThrough);
		passThrough.clear();
	}

	private CommonToken structural(int type, int offset) {
		CommonToken result = new CommonToken(type, "");
		result.setChannel(Token.DEFAULT_CHANNEL);
		result.setStartIndex(offset);
		result.setStopIndex(offset - 1);
		result.setLine(lastSignificant == null ? 1 : lastSignificantEndLine);
		return result;
	}

	private static int endOf(Token token) {
		return ((CommonToken) token).getStopIndex() + 1;
	}

	private static int lineBreaksIn(String text) {
		int count = 0;
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == '\n') {
				count++;
			}
		}
		return count;
	}

	@Override
	public String getSourceName() {
		return "[BlockIndentation] " + delegate.getSourceName();
	}
}
