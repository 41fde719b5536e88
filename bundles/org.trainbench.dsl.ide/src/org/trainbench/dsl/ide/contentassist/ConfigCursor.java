package org.trainbench.dsl.ide.contentassist;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;

import org.trainbench.dsl.ide.contentassist.ConfigLines.Line;
import org.trainbench.dsl.tree.DocumentPaths;
import org.trainbench.engine.config.schema.ConfigKind;

/**
 * What the cursor is at, read from the indentation of the lines above it: a key being written
 * (and under which keys), or the value of a key. Works on half-typed text.
 *
 * @param place        whether a key, a value, or nothing completable is being written
 * @param path         the keys that enclose the cursor, outermost first ({@link DocumentPaths#ITEM} for list items);
 *                     for a value, ending with the value's own key
 * @param prefix       what is typed of the key or value before the cursor (the text a proposal replaces)
 * @param column       the 0-based column at which the key or value starts
 * @param presentKeys  for a key: the keys already written in the same mapping
 * @param kind         the kind of config, from its top-level keys
 */
record ConfigCursor(Place place, List<String> path, String prefix, int column, Set<String> presentKeys, ConfigKind kind) {

	enum Place {
		KEY, VALUE, NONE
	}

	static ConfigCursor at(ConfigLines lines, int offset) {
		String text = lines.text();
		int lineIndex = lines.lineOf(offset);
		int lineStart = lines.lineStart(lineIndex);
		String linePrefix = text.substring(lineStart, offset);
		ConfigKind kind = kind(lines);
		int i = 0;
		while (i < linePrefix.length() && linePrefix.charAt(i) == ' ') {
			i++;
		}
		List<Integer> dashes = new ArrayList<>();
		while (i + 1 < linePrefix.length() && linePrefix.charAt(i) == '-' && linePrefix.charAt(i + 1) == ' ') {
			dashes.add(i);
			i++;
			while (i < linePrefix.length() && linePrefix.charAt(i) == ' ') {
				i++;
			}
		}
		String rest = linePrefix.substring(i);
		if (rest.matches("[A-Za-z0-9_.]*")) {
			return enclosing(lines, lineIndex, i, dashes, Place.KEY, null, rest, kind);
		}
		int colon = rest.indexOf(": ");
		if (colon > 0 && rest.substring(0, colon).matches("[A-Za-z0-9_.\\-]+")) {
			String key = rest.substring(0, colon);
			int valueStart = colon + 2;
			while (valueStart < rest.length() && rest.charAt(valueStart) == ' ') {
				valueStart++;
			}
			String value = rest.substring(valueStart);
			if (!value.contains(" #") && !value.startsWith("[") && !value.startsWith("{") && !value.startsWith("#")
					&& !value.startsWith("\"") && !value.startsWith("'")) {
				return enclosing(lines, lineIndex, i, dashes, Place.VALUE, key, value, kind)
						.withColumn(i + valueStart);
			}
		}
		return none(kind);
	}

	private ConfigCursor withColumn(int newColumn) {
		return new ConfigCursor(place, path, prefix, newColumn, presentKeys, kind);
	}

	private static ConfigCursor none(ConfigKind kind) {
		return new ConfigCursor(Place.NONE, List.of(), "", 0, Set.of(), kind);
	}

	/**
	 * The keys enclosing a key at {@code keyColumn} on line {@code lineIndex}, whose own line starts
	 * with "- " markers at {@code dashes}: walking up, the nearest line element at a smaller column is
	 * the parent, a "key:" opening a block or a "- " item (an item may also sit at its key's column).
	 */
	private static ConfigCursor enclosing(ConfigLines lines, int lineIndex, int keyColumn, List<Integer> dashes,
			Place place, String valueKey, String prefix, ConfigKind kind) {
		LinkedList<String> path = new LinkedList<>();
		Set<String> present = new LinkedHashSet<>();
		int column = keyColumn;
		boolean atItem = false;
		for (int d = dashes.size() - 1; d >= 0; d--) {
			path.addFirst(DocumentPaths.ITEM);
			column = dashes.get(d);
			atItem = true;
		}
		boolean ownLevel = dashes.isEmpty();
		for (int l = lineIndex - 1; l >= 0; l--) {
			Line line = lines.line(l);
			if (!line.isStructural()) {
				continue;
			}
			// the line's elements from the deepest to the outermost: its key, then its "- " markers
			if (line.key() != null) {
				if (line.keyColumn() < column || (atItem && line.keyColumn() == column && line.dashColumns().isEmpty())) {
					if (!line.opensBlock()) {
						return none(kind);
					}
					path.addFirst(line.key());
					column = line.keyColumn();
					atItem = false;
					ownLevel = false;
				} else if (line.keyColumn() == column && ownLevel) {
					present.add(line.key());
				}
			} else if (line.dashColumns().isEmpty() && line.contentColumn() < column) {
				return none(kind);
			}
			for (int d = line.dashColumns().size() - 1; d >= 0; d--) {
				int dash = line.dashColumns().get(d);
				if (dash < column) {
					path.addFirst(DocumentPaths.ITEM);
					column = dash;
					atItem = true;
					ownLevel = false;
				}
			}
		}
		if (column > rootColumn(lines)) {
			return none(kind);
		}
		if (place == Place.KEY && dashes.isEmpty()) {
			for (int l = lineIndex + 1; l < lines.lineCount(); l++) {
				Line line = lines.line(l);
				if (!line.isStructural()) {
					continue;
				}
				if (line.contentColumn() < keyColumn) {
					break;
				}
				if (line.keyColumn() == keyColumn && line.contentColumn() == keyColumn) {
					present.add(line.key());
				}
			}
		}
		if (valueKey != null) {
			path.addLast(valueKey);
		}
		return new ConfigCursor(place, List.copyOf(path), prefix, keyColumn, present, kind);
	}

	private static int rootColumn(ConfigLines lines) {
		for (int l = 0; l < lines.lineCount(); l++) {
			if (lines.line(l).isStructural()) {
				return lines.line(l).contentColumn();
			}
		}
		return 0;
	}

	/** The kind from the top-level keys written so far. */
	private static ConfigKind kind(ConfigLines lines) {
		int root = rootColumn(lines);
		List<String> keys = new ArrayList<>();
		for (int l = 0; l < lines.lineCount(); l++) {
			Line line = lines.line(l);
			if (line.key() != null && line.keyColumn() == root && line.dashColumns().isEmpty()) {
				keys.add(line.key());
			}
		}
		return DocumentPaths.kindOf(keys);
	}
}
