package org.trainbench.dsl.tests;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.trainbenchConfig.MappingEntry;

/** Reads back what a parse produced, for assertions on documents that have syntax errors (no engine tree then). */
final class NodeTexts {

	private NodeTexts() {
	}

	/** The keys of all mapping entries, in document order. */
	static List<String> keysOf(Document document) {
		List<String> keys = new ArrayList<>();
		document.eAllContents().forEachRemaining((EObject o) -> {
			if (o instanceof MappingEntry entry && entry.getKey() != null) {
				keys.add(entry.getKey().getText());
			}
		});
		return keys;
	}
}
