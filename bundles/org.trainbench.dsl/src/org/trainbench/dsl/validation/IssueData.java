package org.trainbench.dsl.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.trainbench.engine.config.check.Diagnostic;

/**
 * The engine diagnostic's key path and quick-fix data as Xtext issue data ("name=value" strings),
 * so that quick fixes get exactly what the engine computed (the suggested key, the rounded batch
 * size, the legacy key's current form, ...).
 */
public final class IssueData {

	/** The dotted key path the diagnostic is about ({@link Diagnostic#keyPath()}). */
	public static final String KEY_PATH = "keyPath";

	private IssueData() {
	}

	public static String[] encode(Diagnostic diagnostic) {
		List<String> data = new ArrayList<>();
		data.add(KEY_PATH + "=" + diagnostic.keyPath());
		new TreeMap<>(diagnostic.data()).forEach((name, value) -> data.add(name + "=" + value));
		return data.toArray(String[]::new);
	}

	/** Issue data back as a map; entries that are not "name=value" are skipped. */
	public static Map<String, String> decode(String[] data) {
		Map<String, String> result = new LinkedHashMap<>();
		if (data != null) {
			for (String entry : data) {
				int eq = entry.indexOf('=');
				if (eq > 0) {
					result.put(entry.substring(0, eq), entry.substring(eq + 1));
				}
			}
		}
		return result;
	}
}
