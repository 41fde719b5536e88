package org.trainbench.dsl.ide.contentassist;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.trainbench.dsl.ide.contentassist.ConfigCursor.Place;
import org.trainbench.dsl.ide.text.BlockYaml;
import org.trainbench.dsl.tree.DocumentPaths;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.schema.ConfigSchema;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.schema.ValueType;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;

/**
 * What completion proposes at a position of a config text, read from the engine's schema: the
 * keys that fit at the cursor (with doc, type and default; not those already written), whole
 * sections from templates, and for a value the allowed values, booleans, the default, or files
 * and directories next to the config. Each entry replaces its {@link ContentAssistEntry#getPrefix()}
 * before the cursor with its {@link ContentAssistEntry#getProposal()}.
 */
public final class ConfigCompletions {

	/** Most files listed for a path value. */
	private static final int MAX_FILES = 200;

	private ConfigCompletions() {
	}

	/**
	 * @param text       the config text
	 * @param offset     the cursor
	 * @param configFile the config's file, against which path values are resolved; null when it has none
	 */
	public static List<ContentAssistEntry> at(String text, int offset, Path configFile) {
		ConfigCursor cursor = ConfigCursor.at(new ConfigLines(text), offset);
		List<ContentAssistEntry> entries = new ArrayList<>();
		switch (cursor.place()) {
			case KEY -> {
				Set<FastLlmVersion> forms = possibleForms(text, offset);
				keys(cursor, forms, entries);
				templates(cursor, forms, entries);
			}
			case VALUE -> values(cursor, configFile, entries);
			case NONE -> {
			}
		}
		return entries;
	}

	/**
	 * The Fast-LLM versions the document can be in, from the keys written (the line being typed left out when the
	 * text does not parse with it); every version when the text cannot be read or mixes forms.
	 */
	static Set<FastLlmVersion> possibleForms(String text, int offset) {
		int lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
		int lineEnd = text.indexOf('\n', offset);
		String withoutLine = text.substring(0, lineStart) + (lineEnd < 0 ? "" : text.substring(lineEnd + 1));
		for (String candidate : List.of(text, withoutLine)) {
			try {
				FormMapping.Form form = FormMapping.form(YamlParser.parse(candidate));
				return form.mixed() ? EnumSet.allOf(FastLlmVersion.class) : form.possible();
			} catch (YamlSyntaxException e) {
				// try without the line being typed
			}
		}
		return EnumSet.allOf(FastLlmVersion.class);
	}

	private static void keys(ConfigCursor cursor, Set<FastLlmVersion> forms, List<ContentAssistEntry> entries) {
		List<SchemaKey> candidates = new ArrayList<>();
		if (cursor.path().isEmpty() && cursor.kind() == ConfigKind.UNKNOWN) {
			candidates.addAll(ConfigSchema.training().currentChildren());
			candidates.addAll(ConfigSchema.preparation().currentChildren());
		} else {
			DocumentPaths.schemaKey(cursor.kind(), cursor.path())
					.filter(section -> section.type() == ValueType.SECTION)
					.ifPresent(section -> candidates.addAll(section.currentChildren()));
		}
		// required keys first, then in the order the schema declares them
		candidates.sort((a, b) -> Boolean.compare(b.required(), a.required()));
		for (SchemaKey key : candidates) {
			if (cursor.presentKeys().contains(key.name()) || !matches(key.name(), cursor.prefix())
					|| !key.versions().isEmpty() && Collections.disjoint(key.versions(), forms)) {
				continue;
			}
			ContentAssistEntry entry = entry(cursor.prefix(), keyText(key, cursor.column()), key.name(),
					describe(key), key.type() == ValueType.SECTION || key.type() == ValueType.MAP
							? ContentAssistEntry.KIND_MODULE : ContentAssistEntry.KIND_PROPERTY);
			entry.setDocumentation(documentation(key));
			entries.add(entry);
		}
	}

	/** "name: " for a value, "name:" and the indented line below for a section, map or list. */
	private static String keyText(SchemaKey key, int column) {
		String below = "\n" + " ".repeat(column + 2);
		return switch (key.type()) {
			case SECTION, MAP -> key.name() + ":" + below;
			case LIST -> key.name() + ":" + below + "- ";
			default -> key.name() + ": ";
		};
	}

	/** Templates that fit here: their section below the cursor's path, unless its first key is already written. */
	private static void templates(ConfigCursor cursor, Set<FastLlmVersion> forms, List<ContentAssistEntry> entries) {
		for (SectionTemplate template : SectionTemplate.ALL.stream().flatMap(t -> t.inForms(forms).stream()).toList()) {
			YamlNode below = template.fits(cursor.path()) ? template.below(cursor.path()) : null;
			if (!(below instanceof MappingNode mapping) || mapping.entries().isEmpty()) {
				continue;
			}
			List<MappingNode.Entry> missing = mapping.entries().stream()
					.filter(e -> !cursor.presentKeys().contains(e.name())).toList();
			if (missing.isEmpty()
					|| !matches(missing.getFirst().name(), cursor.prefix()) && !matches(template.name(), cursor.prefix())) {
				continue;
			}
			MappingNode toInsert = new MappingNode(missing, mapping.style(), mapping.range());
			ContentAssistEntry entry = entry(cursor.prefix(), BlockYaml.entries(toInsert, cursor.column()).stripTrailing(),
					template.name(), template.description(), ContentAssistEntry.KIND_SNIPPET);
			entry.setDocumentation(template.description());
			entries.add(entry);
		}
	}

	private static void values(ConfigCursor cursor, Path configFile, List<ContentAssistEntry> entries) {
		Optional<SchemaKey> found = DocumentPaths.schemaKey(cursor.kind(), cursor.path());
		if (found.isEmpty()) {
			return;
		}
		SchemaKey key = found.get();
		String prefix = cursor.prefix();
		switch (key.type()) {
			case BOOLEAN -> {
				for (String value : List.of("true", "false")) {
					if (matches(value, prefix)) {
						ContentAssistEntry entry = entry(prefix, value, value, "boolean", ContentAssistEntry.KIND_VALUE);
						entry.setDocumentation("YAML 1.1, as Fast-LLM reads it, also takes yes/no and on/off.");
						entries.add(entry);
					}
				}
			}
			case CHOICE -> {
				for (int i = 0; i < key.allowedValues().size(); i++) {
					String value = key.allowedValues().get(i);
					if (matches(value, prefix)) {
						String doc = i < key.allowedValueDocs().size() ? key.allowedValueDocs().get(i) : "";
						boolean runs = key.engineSupports().isEmpty() || key.engineSupports().contains(value);
						ContentAssistEntry entry = entry(prefix, value, value,
								runs ? key.name() : key.name() + " (Trainbench's engine cannot run it)",
								ContentAssistEntry.KIND_ENUM);
						entry.setDocumentation(doc);
						entries.add(entry);
					}
				}
			}
			default -> {
			}
		}
		if (key.inputPath() || key.type() == ValueType.PATH) {
			files(prefix, configFile, entries);
		}
		key.defaultValue().filter(value -> matches(value, prefix))
				.filter(value -> entries.stream().noneMatch(e -> e.getProposal().equals(value)))
				.ifPresent(value -> {
					ContentAssistEntry entry = entry(prefix, value, value, "default", ContentAssistEntry.KIND_VALUE);
					entry.setDocumentation("The default of `" + key.path() + "`.");
					entries.add(entry);
				});
	}

	/** The files and directories whose path starts with what is typed, relative to the config's directory. */
	private static void files(String prefix, Path configFile, List<ContentAssistEntry> entries) {
		if (configFile == null || configFile.getParent() == null) {
			return;
		}
		int slash = prefix.lastIndexOf('/');
		String directoryPart = slash < 0 ? "" : prefix.substring(0, slash + 1);
		String namePart = prefix.substring(slash + 1);
		Path directory = configFile.getParent().resolve(directoryPart.isEmpty() ? "." : directoryPart).normalize();
		if (!Files.isDirectory(directory)) {
			return;
		}
		TreeMap<String, Boolean> found = new TreeMap<>();
		try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
			for (Path child : children) {
				String name = child.getFileName().toString();
				if (name.startsWith(namePart) && (!name.startsWith(".") || namePart.startsWith("."))) {
					found.put(name, Files.isDirectory(child));
				}
				if (found.size() >= MAX_FILES) {
					break;
				}
			}
		} catch (IOException e) {
			return;
		}
		found.forEach((name, isDirectory) -> entries.add(entry(prefix, directoryPart + name + (isDirectory ? "/" : ""),
				name + (isDirectory ? "/" : ""), isDirectory ? "directory" : "file", ContentAssistEntry.KIND_FILE)));
	}

	private static ContentAssistEntry entry(String prefix, String proposal, String label, String description,
			String kind) {
		ContentAssistEntry entry = new ContentAssistEntry();
		entry.setPrefix(prefix);
		entry.setProposal(proposal);
		entry.setLabel(label);
		entry.setDescription(description);
		entry.setKind(kind);
		return entry;
	}

	/** "integer >= 1, default 1024", "one of ..., default cosine", "section". */
	private static String describe(SchemaKey key) {
		String type = key.typeDescription();
		return key.defaultValue().map(d -> type + ", default " + d).orElse(type) + (key.required() ? " (required)" : "");
	}

	/** The key's documentation with its default, range and allowed values, as Markdown. */
	public static String documentation(SchemaKey key) {
		StringBuilder doc = new StringBuilder(key.doc());
		doc.append("\n\nType: ").append(key.typeDescription());
		doc.append("  \nDefault: ").append(key.defaultDescription());
		key.range().ifPresent(range -> doc.append("  \nRange: ").append(range.describe()));
		if (!key.allowedValues().isEmpty()) {
			doc.append("\n\nValues:");
			for (int i = 0; i < key.allowedValues().size(); i++) {
				String valueDoc = i < key.allowedValueDocs().size() ? key.allowedValueDocs().get(i) : "";
				doc.append("\n- `").append(key.allowedValues().get(i)).append('`')
						.append(valueDoc.isEmpty() ? "" : ": " + valueDoc);
			}
		}
		if (!key.engineSupports().isEmpty()) {
			doc.append("\n\nTrainbench's engine runs: ").append(String.join(", ", key.engineSupports()));
		}
		if (!key.versions().isEmpty()) {
			doc.append("\n\nFast-LLM ").append(FastLlmVersion.describe(key.versions())).append(" only.");
		}
		key.notHonoured().ifPresent(info -> doc.append("\n\nNot honoured by Trainbench").append(info.changesResults()
				? " (an error unless left at its default): " : " (a warning when set): ").append(info.instead()));
		return doc.toString();
	}

	/** Case-insensitive prefix of the name or of one of its underscore-separated parts ("size" finds hidden_size). */
	static boolean matches(String candidate, String prefix) {
		if (prefix.isEmpty()) {
			return true;
		}
		String name = candidate.toLowerCase(Locale.ROOT);
		String typed = prefix.toLowerCase(Locale.ROOT);
		if (name.startsWith(typed)) {
			return true;
		}
		for (int i = name.indexOf('_'); i >= 0; i = name.indexOf('_', i + 1)) {
			if (name.startsWith(typed, i + 1)) {
				return true;
			}
		}
		return false;
	}
}
