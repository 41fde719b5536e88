package org.trainbench.dsl.ide.quickfix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.trainbench.dsl.ide.contentassist.SectionTemplate;
import org.trainbench.dsl.ide.text.BlockYaml;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.check.IssueCodes;
import org.trainbench.engine.config.migrate.ConfigMigration;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.schema.ConfigSchema;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.schema.ValueType;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * The quick fixes of a config diagnostic, keyed to the engine's issue codes and computed from the
 * data the engine attached to the diagnostic: rename to the suggested key, change to the
 * suggested value (a rounded batch size, a divisor of the heads, ...), add a missing key or
 * section (the Llama 3.1 8B architecture or a pretrained section when the architecture is
 * undefined), migrate a legacy key to its current form, remove a duplicate or unknown key.
 *
 * <p>Each fix is one text change that turns the text into the fixed text; fixes that restructure
 * (migrations) are computed on the whole text and cut down to the changed span.
 */
public final class ConfigFixes {

	/** Replace {@code length} chars at {@code offset} with {@code text}. */
	public record TextChange(int offset, int length, String text) {
		public String applyTo(String original) {
			return original.substring(0, offset) + text + original.substring(offset + length);
		}
	}

	/** A quick fix: what it does, and the change. */
	public record Fix(String label, TextChange change) {
	}

	/** The issue to fix: as the validator reported it (code, range, and the issue data decoded). */
	public record Problem(String code, int offset, int length, String keyPath, Map<String, String> data) {
	}

	private final String text;
	private final YamlNode tree;

	private ConfigFixes(String text, YamlNode tree) {
		this.text = text;
		this.tree = tree;
	}

	/**
	 * @param text the config text, which must parse (the engine's diagnostics exist only then)
	 */
	public static List<Fix> forProblem(String text, Problem problem) {
		YamlNode tree;
		try {
			tree = YamlParser.parse(text);
		} catch (YamlSyntaxException e) {
			return List.of();
		}
		return new ConfigFixes(text, tree).fixes(problem);
	}

	private List<Fix> fixes(Problem problem) {
		Map<String, String> data = problem.data();
		List<Fix> fixes = new ArrayList<>();
		String suggestedKey = data.get(Diagnostic.DATA_SUGGESTED_KEY);
		String suggestedValue = data.get(Diagnostic.DATA_SUGGESTED_VALUE);
		String missing = data.get(Diagnostic.DATA_MISSING_KEY);
		switch (problem.code()) {
			case IssueCodes.UNKNOWN_KEY, IssueCodes.UNKNOWN_CONFIG_KIND -> {
				if (suggestedKey != null) {
					fixes.add(new Fix("Rename `" + text.substring(problem.offset(), problem.offset() + problem.length())
							+ "` to `" + suggestedKey + "`", new TextChange(problem.offset(), problem.length(), suggestedKey)));
				}
				if (problem.code().equals(IssueCodes.UNKNOWN_KEY)) {
					ConfigTree.entry(tree, problem.keyPath()).ifPresent(entry -> fixes.add(new Fix(
							"Remove `" + problem.keyPath() + "`", removal(entry))));
				}
			}
			case IssueCodes.ARCHITECTURE_UNDEFINED -> {
				SectionTemplate.LLAMA_3_1_8B.inForms(FormMapping.form(tree).possible()).flatMap(this::addTemplate)
						.ifPresent(fixes::add);
				ScalarNode format = new ScalarNode("llama", ScalarNode.Style.PLAIN, SourceRange.START);
				ScalarNode path = ScalarNode.empty(SourceRange.START);
				ScalarNode weights = new ScalarNode("no", ScalarNode.Style.PLAIN, SourceRange.START);
				MappingNode pretrained = mapping(Map.of("format", format, "path", path, "model_weights", weights),
						List.of("format", "path", "model_weights"));
				insertion(List.of("pretrained"), pretrained)
						.ifPresent(change -> fixes.add(new Fix("Add a `pretrained` section (architecture from a Hugging Face model)", change)));
			}
			case IssueCodes.DUPLICATE_KEY -> duplicateRemovals(problem, fixes);
			case IssueCodes.LEGACY_KEY -> {
				legacyMigration(problem).ifPresent(fixes::add);
				migrationToCurrentForm().ifPresent(fixes::add);
			}
			default -> {
			}
		}
		if (suggestedValue != null) {
			valueChange(problem, suggestedValue).ifPresent(fixes::add);
		}
		if (missing != null && !problem.code().equals(IssueCodes.ARCHITECTURE_UNDEFINED)) {
			addMissing(missing).ifPresent(fixes::add);
		}
		return fixes;
	}

	/** The whole config in today's Fast-LLM form, as `trainbench migrate` writes it. */
	private Optional<Fix> migrationToCurrentForm() {
		try {
			ConfigMigration.Result result = ConfigMigration.toCurrent(text);
			if (result.text().equals(text)) {
				return Optional.empty();
			}
			return Optional.of(new Fix("Rewrite the config in Fast-LLM " + FastLlmVersion.CURRENT.label()
					+ "'s form (trainbench migrate)", difference(text, result.text())));
		} catch (YamlSyntaxException | ConfigMigration.NotMigratableException e) {
			return Optional.empty();
		}
	}

	// ------------------------------------------------------------------------------------------ values

	/** The suggested value written where the key path's value is (a cross-field rule may report elsewhere). */
	private Optional<Fix> valueChange(Problem problem, String value) {
		Optional<YamlNode> target = problem.keyPath().isEmpty() ? Optional.empty() : ConfigTree.at(tree, problem.keyPath());
		int offset = problem.offset();
		int length = problem.length();
		if (target.isPresent() && target.get() instanceof ScalarNode scalar) {
			offset = scalar.range().offset();
			length = scalar.range().length();
		}
		String written = text.substring(offset, offset + length);
		String name = problem.keyPath().isEmpty() ? "the value" : "`" + lastKey(problem.keyPath()) + "`";
		String label = problem.code().equals(IssueCodes.BATCH_NOT_DIVISIBLE)
				? "Round " + name + " to " + value
				: "Change " + name + (written.isEmpty() ? "" : " from " + written) + " to " + value;
		String replacement = length == 0 && offset > 0 && text.charAt(offset - 1) == ':' ? " " + value : value;
		return Optional.of(new Fix(label, new TextChange(offset, length, replacement)));
	}

	// ------------------------------------------------------------------------------------ add missing

	private Optional<Fix> addMissing(String dottedPath) {
		Optional<SchemaKey> key = ConfigSchema.lookup(ConfigKind.detect(tree), dottedPath);
		YamlNode value = key.map(ConfigFixes::placeholder).orElse(ScalarNode.empty(SourceRange.START));
		List<String> path = ConfigTree.path(dottedPath);
		String what = key.map(k -> k.type() == ValueType.SECTION ? "section" : "key").orElse("key");
		return insertion(path, value).map(change -> new Fix("Add " + what + " `" + dottedPath + "`", change));
	}

	/** A section with its required keys (recursively), a key with its default, or an empty value to fill in. */
	private static YamlNode placeholder(SchemaKey key) {
		if (key.type() == ValueType.SECTION) {
			Map<String, YamlNode> children = new LinkedHashMap<>();
			for (SchemaKey child : key.children()) {
				if (child.required()) {
					children.put(child.name(), placeholder(child));
				}
			}
			return mapping(children, List.copyOf(children.keySet()));
		}
		return key.defaultValue().<YamlNode>map(d -> new ScalarNode(d, ScalarNode.Style.PLAIN, SourceRange.START))
				.orElse(ScalarNode.empty(SourceRange.START));
	}

	private Optional<Fix> addTemplate(SectionTemplate template) {
		YamlNode section = template.below(template.anchor());
		return insertion(template.anchor(), section).map(change -> new Fix("Add the " + template.name(), change));
	}

	/**
	 * A change that writes {@code value} at {@code path}: below the deepest section of the path that
	 * exists (after its last entry, or in place of its empty value), creating the sections between.
	 * Keys of a mapping value that already exist are kept and not written again.
	 */
	private Optional<TextChange> insertion(List<String> path, YamlNode value) {
		YamlNode node = tree;
		int depth = 0;
		while (depth < path.size() && node instanceof MappingNode mapping && mapping.get(path.get(depth)).isPresent()) {
			YamlNode next = mapping.get(path.get(depth)).get();
			if (!(next instanceof MappingNode) && depth < path.size() - 1 && !(next instanceof ScalarNode s && s.isMissingValue())) {
				return Optional.empty();
			}
			if (next instanceof ScalarNode s && s.isMissingValue()) {
				// "key:" with nothing: the rest goes right below it
				MappingNode.Entry entry = ConfigTree.entry(tree, path.subList(0, depth + 1)).orElseThrow();
				int indent = entry.key().range().column() - 1 + 2;
				YamlNode rest = nest(path.subList(depth + 1, path.size()), value);
				String block = rest instanceof MappingNode m ? BlockYaml.entries(m, indent) : null;
				if (block == null) {
					return Optional.of(new TextChange(s.range().offset(), 0, " " + ((ScalarNode) rest).displayText()));
				}
				return Optional.of(new TextChange(s.range().offset(), 0, "\n" + " ".repeat(indent) + block.stripTrailing()));
			}
			node = next;
			depth++;
		}
		if (!(node instanceof MappingNode parent) || parent.style() != YamlNode.CollectionStyle.BLOCK) {
			return Optional.empty();
		}
		YamlNode rest = nest(path.subList(depth, path.size()), value);
		if (depth == path.size()) {
			// the section exists: write the keys it lacks
			if (!(value instanceof MappingNode wanted)) {
				return Optional.empty();
			}
			rest = new MappingNode(wanted.entries().stream().filter(e -> !parent.has(e.name())).toList(),
					YamlNode.CollectionStyle.BLOCK, SourceRange.START);
			if (((MappingNode) rest).entries().isEmpty()) {
				return Optional.empty();
			}
		}
		if (parent.entries().isEmpty()) {
			return Optional.empty();
		}
		int indent = parent.entries().getFirst().key().range().column() - 1;
		int at = lineEnd(parent.range().endOffset());
		String block = BlockYaml.entries((MappingNode) rest, indent).stripTrailing();
		return Optional.of(new TextChange(at, 0, "\n" + " ".repeat(indent) + block));
	}

	/** {@code value} under the keys of {@code path}: a.b + v gives {a: {b: v}}. */
	private static YamlNode nest(List<String> path, YamlNode value) {
		YamlNode result = value;
		for (int i = path.size() - 1; i >= 0; i--) {
			result = mapping(Map.of(path.get(i), result), List.of(path.get(i)));
		}
		return result;
	}

	private static MappingNode mapping(Map<String, YamlNode> values, List<String> order) {
		List<MappingNode.Entry> entries = new ArrayList<>();
		for (String key : order) {
			entries.add(new MappingNode.Entry(new ScalarNode(key, ScalarNode.Style.PLAIN, SourceRange.START), values.get(key)));
		}
		return new MappingNode(entries, YamlNode.CollectionStyle.BLOCK, SourceRange.START);
	}

	// -------------------------------------------------------------------------------------- removals

	private void duplicateRemovals(Problem problem, List<Fix> fixes) {
		String firstLine = problem.data().get(Diagnostic.DATA_FIRST_LINE);
		List<String> path = ConfigTree.path(problem.keyPath());
		Optional<YamlNode> parent = ConfigTree.at(tree, path.subList(0, path.size() - 1));
		if (firstLine == null || !(parent.orElse(null) instanceof MappingNode mapping)) {
			return;
		}
		for (MappingNode.Entry entry : mapping.entries()) {
			if (entry.name().equals(path.getLast()) && Integer.toString(entry.key().range().line()).equals(firstLine)) {
				fixes.add(new Fix("Remove the first `" + path.getLast() + "` (line " + firstLine + ")", removal(entry)));
			}
			if (entry.key().range().offset() == problem.offset()) {
				fixes.add(new Fix("Remove this `" + path.getLast() + "`", removal(entry)));
			}
		}
	}

	/** Removes an entry: its whole lines when it starts its line, with the lines of its block value. */
	private TextChange removal(MappingNode.Entry entry) {
		int start = entry.key().range().offset();
		int lineStart = lineStart(start);
		if (text.substring(lineStart, start).isBlank()) {
			start = lineStart;
		}
		int end = lineEnd(Math.max(entry.value().range().endOffset(), entry.key().range().endOffset()));
		if (end < text.length()) {
			end += text.startsWith("\r\n", end) ? 2 : 1;
		} else if (start > 0 && text.charAt(start - 1) == '\n') {
			start--;
		}
		return new TextChange(start, end - start, "");
	}

	// -------------------------------------------------------------------------------------- migration

	/**
	 * Writes the legacy key's current form (the engine's replacement path and value) and removes the
	 * legacy keys it replaces: computed on the whole text, as one change.
	 */
	private Optional<Fix> legacyMigration(Problem problem) {
		String target = problem.data().get(Diagnostic.DATA_REPLACEMENT_PATH);
		String value = problem.data().get(Diagnostic.DATA_REPLACEMENT_VALUE);
		String replaced = problem.data().get(Diagnostic.DATA_REPLACED_KEYS);
		if (target == null || value == null || replaced == null) {
			return Optional.empty();
		}
		YamlNode replacement;
		try {
			replacement = YamlParser.parse(value);
		} catch (YamlSyntaxException e) {
			return Optional.empty();
		}
		String current = text;
		List<String> keys = List.of(replaced.split(","));
		for (int i = keys.size() - 1; i >= 0; i--) {
			Optional<String> removed = on(current).removeKey(keys.get(i));
			if (removed.isEmpty()) {
				return Optional.empty();
			}
			current = removed.get();
		}
		ConfigFixes removed = on(current);
		if (ConfigTree.isSet(removed.tree, target)) {
			// the current form is written already (and wins): the legacy key only goes
			return Optional.of(new Fix("Remove legacy `" + String.join("`, `", keys) + "` (`" + target
					+ "` is written)", difference(text, current)));
		}
		Optional<String> migrated = removed.write(ConfigTree.path(target), replacement);
		if (migrated.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new Fix("Migrate to `" + target + "`", difference(text, migrated.get())));
	}

	private static ConfigFixes on(String text) {
		try {
			return new ConfigFixes(text, YamlParser.parse(text));
		} catch (YamlSyntaxException e) {
			throw new IllegalStateException("a quick fix produced invalid YAML: " + e.getMessage(), e);
		}
	}

	private Optional<String> removeKey(String dottedPath) {
		return ConfigTree.entry(tree, dottedPath).map(entry -> removal(entry).applyTo(text));
	}

	private Optional<String> write(List<String> path, YamlNode value) {
		return insertion(path, value).map(change -> change.applyTo(text));
	}

	/** The one change that turns {@code before} into {@code after}: the span between their common prefix and suffix. */
	static TextChange difference(String before, String after) {
		int prefix = 0;
		int max = Math.min(before.length(), after.length());
		while (prefix < max && before.charAt(prefix) == after.charAt(prefix)) {
			prefix++;
		}
		int suffix = 0;
		while (suffix < max - prefix
				&& before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix)) {
			suffix++;
		}
		return new TextChange(prefix, before.length() - suffix - prefix, after.substring(prefix, after.length() - suffix));
	}

	// ------------------------------------------------------------------------------------------ lines

	private int lineStart(int offset) {
		int i = offset;
		while (i > 0 && text.charAt(i - 1) != '\n') {
			i--;
		}
		return i;
	}

	/** The end of the line of {@code offset}, before its line break (a trailing comment included). */
	private int lineEnd(int offset) {
		int i = Math.min(offset, text.length());
		while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
			i++;
		}
		return i;
	}

	private static String lastKey(String dottedPath) {
		int dot = dottedPath.lastIndexOf('.');
		return dot < 0 ? dottedPath : dottedPath.substring(dot + 1);
	}
}
