package org.trainbench.dsl.ide.folding;

import java.util.SortedSet;
import java.util.TreeSet;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.ide.editor.folding.FoldingRange;
import org.eclipse.xtext.ide.editor.folding.FoldingRangeKind;
import org.eclipse.xtext.ide.editor.folding.IFoldingRangeProvider;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.trainbench.dsl.trainbenchConfig.MappingEntry;
import org.trainbench.dsl.trainbenchConfig.SequenceItem;

/**
 * Folding regions of a config: every key or sequence item whose value spans lines (from the key
 * to the end of its block's last line, so the key line stays visible), and runs of two or more
 * comment-only lines.
 */
public class ConfigFoldingRangeProvider implements IFoldingRangeProvider {

	@Override
	public SortedSet<FoldingRange> getFoldingRanges(XtextResource resource, CancelIndicator cancelIndicator) {
		SortedSet<FoldingRange> result = new TreeSet<>((a, b) -> a.getOffset() != b.getOffset()
				? Integer.compare(a.getOffset(), b.getOffset()) : Integer.compare(b.getLength(), a.getLength()));
		if (resource.getParseResult() == null || resource.getParseResult().getRootASTElement() == null) {
			return result;
		}
		String text = resource.getParseResult().getRootNode().getText();
		EObject root = resource.getParseResult().getRootASTElement();
		root.eAllContents().forEachRemaining(element -> {
			if (element instanceof MappingEntry || element instanceof SequenceItem) {
				INode node = NodeModelUtils.getNode(element);
				if (node != null && spansLines(text, node.getOffset(), node.getEndOffset())) {
					result.add(new FoldingRange(node.getOffset(), node.getLength()));
				}
			}
		});
		commentRuns(text, result);
		return result;
	}

	/** Runs of two or more lines that hold only a comment. */
	private static void commentRuns(String text, SortedSet<FoldingRange> result) {
		int runStart = -1;
		int runEnd = -1;
		int lines = 0;
		int lineStart = 0;
		while (lineStart <= text.length()) {
			int lineEnd = text.indexOf('\n', lineStart);
			if (lineEnd < 0) {
				lineEnd = text.length();
			}
			String line = text.substring(lineStart, lineEnd).stripTrailing();
			String content = line.stripLeading();
			if (content.startsWith("#")) {
				if (runStart < 0) {
					runStart = lineStart + line.length() - content.length();
					lines = 0;
				}
				runEnd = lineStart + line.length();
				lines++;
			} else {
				addRun(runStart, runEnd, lines, result);
				runStart = -1;
			}
			lineStart = lineEnd + 1;
		}
		addRun(runStart, runEnd, lines, result);
	}

	private static void addRun(int start, int end, int lines, SortedSet<FoldingRange> result) {
		if (start >= 0 && lines >= 2) {
			result.add(new FoldingRange(start, end - start, FoldingRangeKind.COMMENT));
		}
	}

	private static boolean spansLines(String text, int start, int end) {
		return text.substring(start, Math.min(end, text.length())).indexOf('\n') >= 0;
	}
}
