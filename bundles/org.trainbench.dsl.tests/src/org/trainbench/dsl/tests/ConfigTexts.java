package org.trainbench.dsl.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The example configs of the repository (examples/*.yaml), which every test of the language must handle. */
public final class ConfigTexts {

	private ConfigTexts() {
	}

	public static Path repository() {
		String configured = System.getProperty("trainbench.repository");
		Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
		for (Path p = start; p != null; p = p.getParent()) {
			if (Files.isDirectory(p.resolve("examples")) && Files.isDirectory(p.resolve("bundles"))) {
				return p;
			}
		}
		throw new IllegalStateException("no repository with examples/ above " + start
				+ "; set -Dtrainbench.repository to the repository root");
	}

	public static List<Path> examples() {
		try (Stream<Path> files = Files.list(repository().resolve("examples"))) {
			List<Path> result = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
					.sorted().toList();
			if (result.isEmpty()) {
				throw new IllegalStateException("examples/ holds no .yaml config");
			}
			return result;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static String read(Path file) {
		try {
			return Files.readString(file);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
