package org.trainbench.dsl.ide.text;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * Writes a YAML tree in block style, indented by two spaces per level, the way configs are
 * written: for inserting sections (templates, "add missing section", legacy migrations).
 * Scalars keep their written form (quotes included).
 */
public final class BlockYaml {

	private BlockYaml() {
	}

	/**
	 * The entries of a mapping as lines at {@code indent} spaces; the first line carries no
	 * indentation (it continues where the text is inserted), every line ends with a line break.
	 */
	public static String entries(MappingNode mapping, int indent) {
		StringBuilder out = new StringBuilder();
		for (MappingNode.Entry entry : mapping.entries()) {
			entry(out, entry.key().displayText(), entry.value(), indent);
		}
		return out.substring(indent);
	}

	/** {@code key: value} (or {@code key:} and the block below) at {@code indent}, without the first indentation. */
	public static String entry(String key, YamlNode value, int indent) {
		StringBuilder out = new StringBuilder();
		entry(out, key, value, indent);
		return out.substring(indent);
	}

	private static void entry(StringBuilder out, String key, YamlNode value, int indent) {
		out.append(" ".repeat(indent)).append(key).append(':');
		switch (value) {
			case ScalarNode scalar -> out.append(scalar.isMissingValue() ? "" : " " + scalar.displayText()).append('\n');
			case MappingNode mapping when !mapping.entries().isEmpty() -> {
				out.append('\n');
				for (MappingNode.Entry child : mapping.entries()) {
					entry(out, child.key().displayText(), child.value(), indent + 2);
				}
			}
			case SequenceNode sequence when !sequence.items().isEmpty() -> {
				out.append('\n');
				for (YamlNode item : sequence.items()) {
					item(out, item, indent + 2);
				}
			}
			default -> out.append(" ").append(value instanceof MappingNode ? "{}" : "[]").append('\n');
		}
	}

	private static void item(StringBuilder out, YamlNode item, int indent) {
		if (item instanceof ScalarNode scalar) {
			out.append(" ".repeat(indent)).append("- ").append(scalar.displayText()).append('\n');
			return;
		}
		// a collection item: written as "- " and its block, the first line after the dash
		StringBuilder inner = new StringBuilder();
		if (item instanceof MappingNode mapping) {
			for (MappingNode.Entry child : mapping.entries()) {
				entry(inner, child.key().displayText(), child.value(), indent + 2);
			}
		} else {
			for (YamlNode child : ((SequenceNode) item).items()) {
				item(inner, child, indent + 2);
			}
		}
		out.append(" ".repeat(indent)).append("- ").append(inner.substring(indent + 2));
	}
}
