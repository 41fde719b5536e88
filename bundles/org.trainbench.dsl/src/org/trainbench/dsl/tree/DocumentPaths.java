package org.trainbench.dsl.tree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;

import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.resource.Resource;
import org.trainbench.dsl.trainbenchConfig.BlockMapping;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.trainbenchConfig.FlowSequence;
import org.trainbench.dsl.trainbenchConfig.MappingEntry;
import org.trainbench.dsl.trainbenchConfig.SequenceItem;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.schema.ConfigSchema;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.schema.ValueType;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * Key paths and schema keys of AST elements, also in documents with syntax errors (where no
 * engine tree exists): the IDE services use them to find what a position is about.
 */
public final class DocumentPaths {

	/** The path step of a sequence item: the list's element schema. */
	public static final String ITEM = "-";

	private DocumentPaths() {
	}

	/**
	 * The key path of an element: the keys of the mapping entries that contain it, outermost first,
	 * {@link #ITEM} for each sequence item on the way. For a mapping entry the path ends with its own key.
	 */
	public static List<String> keyPath(EObject element) {
		LinkedList<String> path = new LinkedList<>();
		for (EObject e = element; e != null; e = e.eContainer()) {
			if (e instanceof MappingEntry entry && entry.getKey() != null && entry.getKey().getText() != null) {
				path.addFirst(entry.getKey().getText());
			} else if (e instanceof SequenceItem || e.eContainer() instanceof FlowSequence) {
				path.addFirst(ITEM);
			}
		}
		return path;
	}

	/** The kind of config, told from the top-level keys the document has (also with syntax errors elsewhere). */
	public static ConfigKind kind(Document document) {
		List<String> keys = new ArrayList<>();
		if (document != null && document.getRoot() instanceof BlockMapping mapping) {
			for (MappingEntry entry : mapping.getEntries()) {
				if (entry.getKey() != null && entry.getKey().getText() != null) {
					keys.add(entry.getKey().getText());
				}
			}
		}
		return kindOf(keys);
	}

	/** The kind of config with these top-level keys, as the engine tells it ({@link ConfigKind#detect}). */
	public static ConfigKind kindOf(List<String> topLevelKeys) {
		List<MappingNode.Entry> entries = new ArrayList<>();
		for (String key : topLevelKeys) {
			entries.add(new MappingNode.Entry(new ScalarNode(key, ScalarNode.Style.PLAIN, SourceRange.START),
					ScalarNode.empty(SourceRange.START)));
		}
		return ConfigKind.detect(new MappingNode(entries, YamlNode.CollectionStyle.BLOCK, SourceRange.START));
	}

	/** The config file on disk, against which referenced paths resolve; null when the resource is not a file. */
	public static Path configFile(Resource resource) {
		URI uri = resource == null ? null : resource.getURI();
		return uri != null && uri.isFile() ? Path.of(uri.toFileString()) : null;
	}

	/**
	 * The schema key at a path of a config kind; {@link #ITEM} steps go to the list's element. An
	 * unknown kind tries the training schema, then the data-preparation schema.
	 */
	public static Optional<SchemaKey> schemaKey(ConfigKind kind, List<String> path) {
		if (kind == ConfigKind.UNKNOWN) {
			return schemaKey(ConfigKind.TRAINING, path).or(() -> schemaKey(ConfigKind.PREPARATION, path));
		}
		Optional<SchemaKey> key = ConfigSchema.root(kind);
		for (String step : path) {
			if (key.isEmpty()) {
				return key;
			}
			SchemaKey current = key.get();
			key = ITEM.equals(step) ? (current.type() == ValueType.LIST ? Optional.of(current.element()) : Optional.empty())
					: current.step(step);
		}
		return key;
	}
}
