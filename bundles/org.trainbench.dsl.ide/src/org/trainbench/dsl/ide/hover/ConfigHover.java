package org.trainbench.dsl.ide.hover;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.trainbench.dsl.ide.contentassist.ConfigCompletions;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.trainbenchConfig.MappingEntry;
import org.trainbench.dsl.trainbenchConfig.PlainScalar;
import org.trainbench.dsl.trainbenchConfig.Scalar;
import org.trainbench.dsl.tree.DocumentPaths;
import org.trainbench.dsl.tree.YamlTreeBuilder;
import org.trainbench.engine.config.check.ConfigFacts;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.schema.ValueType;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.ScalarResolution;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * What hovering a key or value of a config shows: the schema's doc, type, default, range and
 * allowed values, and facts the engine computes from the config: the parameter count of the
 * architecture, the rotary theta of a legacy rotary_embedding_scale, the tokens per step.
 */
public final class ConfigHover {

	/** Hover text (Markdown) for the region of the hovered key or value. */
	public record HoverText(String markdown, int offset, int length) {
	}

	private ConfigHover() {
	}

	public static Optional<HoverText> at(XtextResource resource, int offset) {
		if (resource.getParseResult() == null || !(resource.getParseResult().getRootASTElement() instanceof Document document)) {
			return Optional.empty();
		}
		ICompositeNode root = resource.getParseResult().getRootNode();
		ILeafNode leaf = NodeModelUtils.findLeafNodeAtOffset(root, offset);
		if (leaf == null || leaf.isHidden()) {
			return Optional.empty();
		}
		EObject element = NodeModelUtils.findActualSemanticObjectFor(leaf);
		if (!(element instanceof Scalar scalar) || !(scalar.eContainer() instanceof MappingEntry entry)) {
			return Optional.empty();
		}
		boolean onValue = entry.getValue() == scalar;
		List<String> path = DocumentPaths.keyPath(entry);
		ConfigKind kind = DocumentPaths.kind(document);
		Optional<SchemaKey> key = DocumentPaths.schemaKey(kind, path);
		if (key.isEmpty()) {
			return Optional.empty();
		}
		YamlNode tree = resource.getErrors().isEmpty() ? YamlTreeBuilder.build(document) : null;
		StringBuilder text = new StringBuilder();
		text.append("**`").append(String.join(".", path)).append("`**");
		if (onValue) {
			valueFacts(key.get(), scalar, text);
		}
		text.append("\n\n").append(ConfigCompletions.documentation(key.get()));
		key.get().legacy().ifPresent(legacy -> text.append("\n\nLegacy key: write `").append(legacy.replacedByPath())
				.append("` instead").append(legacy.note().isEmpty() ? "" : " (" + legacy.note() + ")").append('.'));
		computedFacts(path, tree, text);
		INode node = NodeModelUtils.getNode(scalar);
		return Optional.of(new HoverText(text.toString(), node.getOffset(), node.getLength()));
	}

	/** For a value: what the written value is, as YAML 1.1 reads it, and the doc of a choice. */
	private static void valueFacts(SchemaKey key, Scalar scalar, StringBuilder text) {
		String written = scalar.getText() == null ? "" : scalar.getText();
		if (key.type() == ValueType.CHOICE) {
			int index = key.allowedValues().indexOf(written);
			if (index >= 0 && index < key.allowedValueDocs().size() && !key.allowedValueDocs().get(index).isEmpty()) {
				text.append("\n\n`").append(written).append("`: ").append(key.allowedValueDocs().get(index));
			}
		}
		if (scalar instanceof PlainScalar) {
			ScalarNode.Kind kind = ScalarResolution.kind(written);
			text.append("\n\nRead as ").append(kind.name().toLowerCase(Locale.ROOT));
			if (kind != ScalarNode.Kind.STRING && kind != ScalarNode.Kind.NULL) {
				Object value = new ScalarNode(written, ScalarNode.Style.PLAIN, SourceRange.START).value();
				text.append(": `").append(value).append('`');
			}
		}
	}

	private static void computedFacts(List<String> path, YamlNode tree, StringBuilder text) {
		if (tree == null || path.isEmpty()) {
			return;
		}
		String dotted = String.join(".", path);
		if (dotted.equals("model") || dotted.startsWith("model.base_model") || dotted.equals("pretrained")) {
			OptionalLong count = ConfigFacts.parameterCount(tree);
			if (count.isPresent()) {
				text.append("\n\nParameters of this architecture: ").append(ConfigFacts.describeCount(count.getAsLong()));
			}
		}
		if (dotted.endsWith("transformer.rotary_embedding_scale")) {
			ConfigTree.scalar(tree, dotted)
					.filter(s -> s.value() instanceof Number)
					.ifPresent(s -> text.append("\n\nRotary theta: exp(-(").append(s.text()).append(")) = ")
							.append(ScalarResolution.asYaml11Float(ConfigFacts.rotaryTheta(((Number) s.value()).doubleValue())))
							.append(" (write it as `rotary.theta`)"));
		}
		if (dotted.startsWith("batch")) {
			OptionalLong tokens = ConfigFacts.tokensPerStep(tree);
			if (tokens.isPresent()) {
				text.append(String.format(Locale.ROOT, "%n%nTokens per step (batch_size * sequence_length): %,d",
						tokens.getAsLong()));
			}
		}
	}
}
