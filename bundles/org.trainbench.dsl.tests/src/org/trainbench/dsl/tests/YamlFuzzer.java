package org.trainbench.dsl.tests;

import java.util.List;
import java.util.Random;

/**
 * Makes config-like YAML texts from a seed: well-formed documents built from the subset's
 * constructs, and mutations of real configs that insert, delete or duplicate the characters
 * that matter to YAML (indentation, ':', '-', '#', brackets, quotes, unsupported indicators).
 */
public final class YamlFuzzer {

	private static final String[] KEYS = { "training", "train_iters", "batch", "micro_batch_size", "data", "path",
			"split", "model", "base_model", "transformer", "hidden_size", "rotary", "type", "a b", "x-y", "k:v",
			"\"quoted key\"", "'single'", "yes", "1", "~" };
	private static final String[] SCALARS = { "100_000", "6.0e-04", "-13.12", "yes", "no", "on", "Off", "true",
			"null", "~", "", "llama", "./sft-tutorial/x.yaml", "s3://bucket/key", "a b c", "a#b", "x:y", "-x",
			"'it''s'", "\"tab\\there\"", "\"\\u00e9\"", "1e5", "0x1F", "0o17", "2024-01-31", ".inf", "-.5", "+1",
			"'#not comment'", "\"a: b\"", "[99, 1, 0]", "{a: 1, b: [x, y]}", "[]", "{}", "[a, [b, c]]",
			"{\"q\": 1, 'r': x}", "[1,\n   2]",
			// YAML 1.1 scalars that readers have disagreed on (PyYAML: string, 8, 90, 90.5, string, int 1)
			"1e-5", "010", "1:30", "1:30.5", "._", "1_", "0b_", "=", "-0x1F", "0:30", "2001-12-14 21:59:43.10 -5" };
	private static final String MUTATION_CHARS = " \n\n  :-#[]{},\"'\t&*!|>%@`?.ax1_";

	private final Random random;

	public YamlFuzzer(long seed) {
		this.random = new Random(seed);
	}

	/** A well-formed config-like document. */
	public String document() {
		StringBuilder out = new StringBuilder();
		if (random.nextInt(10) == 0) {
			out.append("---\n");
		}
		mapping(out, 0, 0);
		return out.toString();
	}

	private void mapping(StringBuilder out, int indent, int depth) {
		int entries = 1 + random.nextInt(4);
		for (int i = 0; i < entries; i++) {
			if (random.nextInt(6) == 0) {
				out.append(" ".repeat(random.nextInt(2) == 0 ? indent : 0)).append("# comment ").append(i).append('\n');
			}
			out.append(" ".repeat(indent)).append(pick(KEYS)).append(':');
			value(out, indent, depth);
		}
	}

	private void value(StringBuilder out, int indent, int depth) {
		int choice = depth > 4 ? 0 : random.nextInt(5);
		switch (choice) {
			case 1 -> {
				out.append(trailingComment()).append('\n');
				mapping(out, indent + 2 + random.nextInt(2) * 2, depth + 1);
			}
			case 2 -> {
				out.append(trailingComment()).append('\n');
				sequence(out, random.nextBoolean() ? indent : indent + 2, depth + 1);
			}
			case 3 -> out.append('\n');
			default -> {
				String scalar = pick(SCALARS);
				out.append(scalar.isEmpty() ? "" : " " + scalar).append(trailingComment()).append('\n');
			}
		}
	}

	private void sequence(StringBuilder out, int indent, int depth) {
		int items = 1 + random.nextInt(3);
		for (int i = 0; i < items; i++) {
			out.append(" ".repeat(indent)).append('-');
			switch (random.nextInt(4)) {
				case 0 -> {
					// compact mapping: "- key: value" and more keys aligned with the first
					out.append(' ').append(pick(KEYS)).append(": ").append(pick(SCALARS).replace("\n", " ")).append('\n');
					if (random.nextBoolean()) {
						out.append(" ".repeat(indent + 2)).append("other: 1\n");
					}
				}
				case 1 -> {
					out.append('\n');
					mapping(out, indent + 2, depth + 1);
				}
				case 2 -> out.append('\n');
				default -> out.append(' ').append(pick(SCALARS).replace("\n", " ")).append(trailingComment()).append('\n');
			}
		}
	}

	private String trailingComment() {
		return random.nextInt(5) == 0 ? "  # (1)!" : "";
	}

	/** {@code text} with 1 to 3 random edits. */
	public String mutate(String text) {
		StringBuilder out = new StringBuilder(text);
		int edits = 1 + random.nextInt(3);
		for (int i = 0; i < edits; i++) {
			int at = out.isEmpty() ? 0 : random.nextInt(out.length() + 1);
			switch (random.nextInt(4)) {
				case 0 -> {
					if (at < out.length()) {
						out.deleteCharAt(at);
					}
				}
				case 1 -> {
					int end = Math.min(out.length(), at + 1 + random.nextInt(8));
					out.insert(at, out.substring(at, end));
				}
				default -> out.insert(at, MUTATION_CHARS.charAt(random.nextInt(MUTATION_CHARS.length())));
			}
		}
		return out.toString();
	}

	public <T> T pick(List<T> list) {
		return list.get(random.nextInt(list.size()));
	}

	private String pick(String[] values) {
		return values[random.nextInt(values.length)];
	}
}
