package org.trainbench.dsl.ide.outline;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.trainbench.dsl.trainbenchConfig.BlockMapping;
import org.trainbench.dsl.trainbenchConfig.BlockSequence;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.trainbenchConfig.FlowMapping;
import org.trainbench.dsl.trainbenchConfig.FlowSequence;
import org.trainbench.dsl.trainbenchConfig.MappingEntry;
import org.trainbench.dsl.trainbenchConfig.Node;
import org.trainbench.dsl.trainbenchConfig.Scalar;
import org.trainbench.dsl.trainbenchConfig.SequenceItem;

/**
 * The outline of a config (document symbols): one node per key, sections with their keys as
 * children, scalars with their value as detail; sequence items as "- " nodes. Built from the AST,
 * so it follows the document also while it has syntax errors.
 */
public final class ConfigOutline {

	public enum Kind {
		/** A key whose value is a mapping. */
		SECTION,
		/** A key whose value is a sequence. */
		LIST,
		/** A key with a scalar (or no) value. */
		VALUE,
		/** An item of a sequence. */
		ITEM
	}

	/**
	 * @param name             the key, or "- " and the item's value
	 * @param detail           the scalar value, "n keys" or "n items"
	 * @param offset           start of the whole entry (key and value)
	 * @param length           length of the whole entry
	 * @param selectionOffset  start of the key (what to select when the node is chosen)
	 * @param selectionLength  length of the key
	 */
	public record OutlineNode(String name, String detail, Kind kind, int offset, int length, int selectionOffset,
			int selectionLength, List<OutlineNode> children) {
	}

	private ConfigOutline() {
	}

	public static List<OutlineNode> of(XtextResource resource) {
		if (resource.getParseResult() == null || !(resource.getParseResult().getRootASTElement() instanceof Document document)) {
			return List.of();
		}
		return children(document.getRoot());
	}

	private static List<OutlineNode> children(Node node) {
		List<OutlineNode> result = new ArrayList<>();
		switch (node) {
			case BlockMapping mapping -> mapping.getEntries().forEach(entry -> add(entry, result));
			case FlowMapping mapping -> mapping.getEntries().forEach(entry -> add(entry, result));
			case BlockSequence sequence -> {
				for (SequenceItem item : sequence.getItems()) {
					result.add(item(item, item.getValue()));
				}
			}
			case FlowSequence sequence -> {
				for (Node item : sequence.getItems()) {
					result.add(item(item, item));
				}
			}
			case null, default -> {
			}
		}
		return result;
	}

	private static void add(MappingEntry entry, List<OutlineNode> result) {
		if (entry.getKey() == null) {
			return;
		}
		INode whole = NodeModelUtils.getNode(entry);
		INode key = NodeModelUtils.getNode(entry.getKey());
		Node value = entry.getValue();
		result.add(new OutlineNode(String.valueOf(entry.getKey().getText()), detail(value), kind(value),
				whole.getOffset(), whole.getLength(), key.getOffset(), key.getLength(), children(value)));
	}

	private static OutlineNode item(EObject element, Node value) {
		INode node = NodeModelUtils.getNode(element);
		String name = value instanceof Scalar scalar ? "- " + scalar.getText() : "-";
		return new OutlineNode(name, value instanceof Scalar ? "" : detail(value), Kind.ITEM, node.getOffset(),
				node.getLength(), node.getOffset(), Math.min(1, node.getLength()), children(value));
	}

	private static Kind kind(Node value) {
		return switch (value) {
			case BlockMapping m -> Kind.SECTION;
			case FlowMapping m -> Kind.SECTION;
			case BlockSequence s -> Kind.LIST;
			case FlowSequence s -> Kind.LIST;
			case null, default -> Kind.VALUE;
		};
	}

	private static String detail(Node value) {
		return switch (value) {
			case Scalar scalar -> scalar.getText() == null ? "" : scalar.getText();
			case BlockMapping m -> count(m.getEntries().size(), "key");
			case FlowMapping m -> count(m.getEntries().size(), "key");
			case BlockSequence s -> count(s.getItems().size(), "item");
			case FlowSequence s -> "[" + String.join(", ", s.getItems().stream()
					.map(i -> i instanceof Scalar sc ? String.valueOf(sc.getText()) : "...").toList()) + "]";
			case null, default -> "";
		};
	}

	private static String count(int n, String what) {
		return n + " " + what + (n == 1 ? "" : "s");
	}
}
