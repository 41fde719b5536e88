package org.trainbench.dsl.ide.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.validation.Issue;
import org.trainbench.dsl.ide.ConfigEditorServices;

/**
 * Latencies of the config language as the editor calls it, warm (after the JIT has compiled the
 * paths): parse + validate the Llama 3.1 8B from-scratch example, and completion on a 2,000-line
 * training config (the service alone, and reparse + completion as after a keystroke). Goals:
 * under 20 ms and under 10 ms.
 *
 * <p>Usage: {@code ConfigLanguageBenchmark <path of examples/llama-3.1-8b-pretrain-from-scratch.yaml>}
 */
public final class ConfigLanguageBenchmark {

	private static final int WARMUP = 300;
	private static final int RUNS = 300;

	private ConfigLanguageBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path example = Path.of(args.length > 0 ? args[0] : "examples/llama-3.1-8b-pretrain-from-scratch.yaml");
		String text = Files.readString(example);
		ConfigEditorServices services = ConfigEditorServices.create();
		System.out.printf(Locale.ROOT, "Java %s, %d cores%n", Runtime.version(), Runtime.getRuntime().availableProcessors());

		int[] issues = new int[1];
		report("parse + validate " + example.getFileName() + " (" + text.lines().count() + " lines)", () -> {
			XtextResource resource = services.parse(text, example);
			List<Issue> found = services.validate(resource);
			issues[0] = found.size();
			return found;
		});
		System.out.println("  (" + issues[0] + " diagnostics)");

		String big = twoThousandLines();
		Path bigFile = example.resolveSibling("benchmark-2000-lines.yaml");
		XtextResource resource = services.parse(big, bigFile);
		int deep = big.indexOf("      kv_channels: 128\n") + "      kv_channels: 128\n".length();
		String typed = big.substring(0, deep) + "      activ\n" + big.substring(deep);
		int cursor = deep + "      activ".length();
		services.update(resource, typed);
		List<ContentAssistEntry> proposals = services.complete(resource, cursor);
		System.out.println("2,000-line config: " + big.lines().count() + " lines; proposals at the cursor: "
				+ proposals.stream().map(ContentAssistEntry::getLabel).toList());
		report("completion on the 2,000-line config (service)", () -> services.complete(resource, cursor));
		int endOfFile = typed.length();
		report("completion at the end of the 2,000-line config (service)", () -> services.complete(resource, endOfFile));
		report("reparse + completion on the 2,000-line config (a keystroke)", () -> {
			services.update(resource, typed);
			return services.complete(resource, cursor);
		});
		report("reparse + validate the 2,000-line config", () -> {
			services.update(resource, typed);
			return services.validate(resource);
		});
	}

	/** A valid training config of 2,000 lines: the 8B architecture and many named datasets. */
	static String twoThousandLines() {
		StringBuilder out = new StringBuilder("""
				training:
				  train_iters: 100_000
				  logs:
				    interval: 10
				batch:
				  micro_batch_size: 4
				  sequence_length: 4096
				  batch_size: 480
				model:
				  base_model:
				    vocab_size: 128256
				    tie_word_embeddings: false
				    transformer:
				      hidden_size: 4096
				      num_layers: 32
				      num_attention_heads: 32
				      head_groups: 8
				      ffn_hidden_size: 14336
				      kv_channels: 128
				      gated: true
				      add_linear_biases: false
				      normalization:
				        type: rms_norm
				      rotary:
				        type: llama3
				        theta: 500000.0
				run:
				  experiment_dir: experiment
				data:
				  datasets:
				""");
		int lines = (int) out.toString().lines().count();
		for (int i = 0; lines + 4 <= 2000; i++) {
			out.append("    # split ").append(i).append('\n');
			out.append("    part_").append(i).append(":\n");
			out.append("      type: file\n");
			out.append("      path: data/part_").append(i).append("/fast_llm_config_training.yaml\n");
			lines += 4;
		}
		while (lines < 2000) {
			out.append("# end\n");
			lines++;
		}
		return out.toString();
	}

	private static void report(String what, Supplier<?> work) {
		for (int i = 0; i < WARMUP; i++) {
			work.get();
		}
		double[] millis = new double[RUNS];
		for (int i = 0; i < RUNS; i++) {
			long start = System.nanoTime();
			work.get();
			millis[i] = (System.nanoTime() - start) / 1e6;
		}
		Arrays.sort(millis);
		double mean = Arrays.stream(millis).average().orElse(0);
		System.out.printf(Locale.ROOT, "%-62s median %7.3f ms   p90 %7.3f ms   mean %7.3f ms   (%d runs)%n", what,
				millis[RUNS / 2], millis[RUNS * 9 / 10], mean, RUNS);
	}
}
