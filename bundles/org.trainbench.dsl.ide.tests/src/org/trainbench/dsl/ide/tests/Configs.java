package org.trainbench.dsl.ide.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.validation.Issue;
import org.trainbench.dsl.ide.ConfigEditorServices;
import org.trainbench.dsl.ide.quickfix.ConfigFixes;

/** Example configs of the repository, and small text helpers for the IDE tests. */
final class Configs {

	static final ConfigEditorServices SERVICES = ConfigEditorServices.create();

	private Configs() {
	}

	static Path example(String name) {
		String configured = System.getProperty("trainbench.repository");
		Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
		for (Path p = start; p != null; p = p.getParent()) {
			if (Files.isRegularFile(p.resolve("examples").resolve(name))) {
				return p.resolve("examples").resolve(name);
			}
		}
		throw new IllegalStateException("examples/" + name + " not found above " + start);
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static XtextResource parseExample(String name) {
		Path file = example(name);
		return SERVICES.parse(read(file), file);
	}

	/** The text with "|" removed, and the offset where it was. */
	record Cursor(String text, int offset) {
		static Cursor of(String textWithBar) {
			int offset = textWithBar.indexOf('|');
			return new Cursor(textWithBar.substring(0, offset) + textWithBar.substring(offset + 1), offset);
		}
	}

	static List<String> codes(List<Issue> issues) {
		return issues.stream().map(Issue::getCode).toList();
	}

	static Issue issue(List<Issue> issues, String code) {
		return issues.stream().filter(i -> code.equals(i.getCode())).findFirst()
				.orElseThrow(() -> new AssertionError("no " + code + " among " + codes(issues)));
	}

	static String apply(String text, ConfigFixes.Fix fix) {
		return fix.change().applyTo(text);
	}
}
