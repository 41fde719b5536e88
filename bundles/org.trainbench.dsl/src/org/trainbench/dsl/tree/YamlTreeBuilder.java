package org.trainbench.dsl.tree;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.Keyword;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.trainbench.dsl.trainbenchConfig.BlockMapping;
import org.trainbench.dsl.trainbenchConfig.BlockSequence;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.trainbenchConfig.FlowMapping;
import org.trainbench.dsl.trainbenchConfig.FlowSequence;
import org.trainbench.dsl.trainbenchConfig.MappingEntry;
import org.trainbench.dsl.trainbenchConfig.Node;
import org.trainbench.dsl.trainbenchConfig.PlainScalar;
import org.trainbench.dsl.trainbenchConfig.QuotedScalar;
import org.trainbench.dsl.trainbenchConfig.Scalar;
import org.trainbench.dsl.trainbenchConfig.SequenceItem;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlNode.CollectionStyle;

/**
 * Builds the engine's {@link YamlNode} tree from a parsed document, with the positions the
 * engine's YamlParser gives the same text: collections span from their first to their last
 * character, a missing value is an empty scalar right after its ':' or '-'. The engine's checks,
 * completion and hover then all work on the tree the engine itself would read.
 */
public final class YamlTreeBuilder {

	private final LineMap lines;

	private YamlTreeBuilder(LineMap lines) {
		this.lines = lines;
	}

	/** The tree of a document that parsed; an empty document is an empty scalar at the end of the text. */
	public static YamlNode build(Document document) {
		ICompositeNode root = NodeModelUtils.getNode(document).getRootNode();
		LineMap lines = new LineMap(root.getText());
		return build(document, lines);
	}

	public static YamlNode build(Document document, LineMap lines) {
		YamlTreeBuilder builder = new YamlTreeBuilder(lines);
		if (document.getRoot() == null) {
			return ScalarNode.empty(lines.range(lines.textLength(), 0));
		}
		return builder.node(document.getRoot());
	}

	private YamlNode node(Node node) {
		return switch (node) {
			case BlockMapping mapping -> {
				List<MappingNode.Entry> entries = entries(mapping.getEntries());
				SourceRange first = entries.getFirst().key().range();
				yield new MappingNode(entries, CollectionStyle.BLOCK, SourceRange.span(first, entries.getLast().value().range()));
			}
			case BlockSequence sequence -> {
				List<YamlNode> items = new ArrayList<>();
				for (SequenceItem item : sequence.getItems()) {
					items.add(item.getValue() != null ? node(item.getValue())
							: ScalarNode.empty(lines.range(firstKeyword(item, "-").getEndOffset(), 0)));
				}
				SourceRange first = lines.range(firstKeyword(sequence.getItems().getFirst(), "-").getOffset(), 0);
				yield new SequenceNode(items, CollectionStyle.BLOCK, SourceRange.span(first, items.getLast().range()));
			}
			case FlowSequence sequence -> {
				List<YamlNode> items = new ArrayList<>();
				for (Node item : sequence.getItems()) {
					items.add(node(item));
				}
				yield new SequenceNode(items, CollectionStyle.FLOW, bracketed(sequence, "[", "]"));
			}
			case FlowMapping mapping -> new MappingNode(entries(mapping.getEntries()), CollectionStyle.FLOW,
					bracketed(mapping, "{", "}"));
			case Scalar scalar -> scalar(scalar);
			default -> throw new IllegalArgumentException("unknown node " + node.eClass().getName());
		};
	}

	private List<MappingNode.Entry> entries(List<MappingEntry> entries) {
		List<MappingNode.Entry> result = new ArrayList<>(entries.size());
		for (MappingEntry entry : entries) {
			ScalarNode key = scalar(entry.getKey());
			YamlNode value;
			if (entry.getValue() != null) {
				value = node(entry.getValue());
			} else {
				ILeafNode colon = firstKeyword(entry, ":");
				value = ScalarNode.empty(lines.range(colon != null ? colon.getEndOffset() : key.range().endOffset(), 0));
			}
			result.add(new MappingNode.Entry(key, value));
		}
		return result;
	}

	private ScalarNode scalar(Scalar scalar) {
		INode node = NodeModelUtils.getNode(scalar);
		ScalarNode.Style style = switch (scalar) {
			case PlainScalar plain -> ScalarNode.Style.PLAIN;
			case QuotedScalar quoted -> node.getRootNode().getText().charAt(node.getOffset()) == '\''
					? ScalarNode.Style.SINGLE_QUOTED : ScalarNode.Style.DOUBLE_QUOTED;
			default -> throw new IllegalArgumentException("unknown scalar " + scalar.eClass().getName());
		};
		String text = scalar.getText() == null ? "" : scalar.getText();
		return new ScalarNode(text, style, lines.range(node.getOffset(), node.getLength()));
	}

	private SourceRange bracketed(EObject collection, String open, String close) {
		ILeafNode first = firstKeyword(collection, open);
		ILeafNode last = null;
		for (ILeafNode leaf : NodeModelUtils.getNode(collection).getLeafNodes()) {
			if (isKeyword(leaf, close)) {
				last = leaf;
			}
		}
		int end = last != null ? last.getEndOffset() : NodeModelUtils.getNode(collection).getEndOffset();
		return lines.range(first.getOffset(), end - first.getOffset());
	}

	/** The first keyword leaf {@code value} of the element itself (nested elements come after it). */
	private static ILeafNode firstKeyword(EObject element, String value) {
		for (ILeafNode leaf : NodeModelUtils.getNode(element).getLeafNodes()) {
			if (isKeyword(leaf, value)) {
				return leaf;
			}
		}
		return null;
	}

	private static boolean isKeyword(ILeafNode leaf, String value) {
		return !leaf.isHidden() && leaf.getGrammarElement() instanceof Keyword keyword && keyword.getValue().equals(value);
	}
}
