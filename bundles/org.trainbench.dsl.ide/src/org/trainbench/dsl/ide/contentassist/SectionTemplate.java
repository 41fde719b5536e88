package org.trainbench.dsl.ide.contentassist;

import java.util.List;

import org.trainbench.engine.config.migrate.ConfigMigration;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * A whole section that completion offers, written in the current form of the keys (a test checks
 * that each validates against the engine's schema without a diagnostic of its own).
 *
 * @param name        what the proposal is called
 * @param description one line on what it gives
 * @param anchor      the key path the template fills, e.g. model.base_model: proposed there and above it
 * @param body        the section as a config from the root, e.g. {@code model: base_model: ...}
 */
public record SectionTemplate(String name, String description, List<String> anchor, String body) {

	/** The Llama 3.1 8B architecture of the pretraining guide, from scratch: 8.03 B parameters. */
	public static final SectionTemplate LLAMA_3_1_8B = new SectionTemplate("Llama 3.1 8B architecture",
			"model.base_model for Llama 3.1 8B from scratch: 32 layers, hidden 4096, 32 heads in 8 groups, gated SiLU MLP 14336, RMSNorm, llama3 rotary (theta 500000), vocabulary 128256",
			List.of("model", "base_model"), """
			model:
			  base_model:
			    tie_word_embeddings: false
			    use_position_embeddings: false
			    vocab_size: 128256
			    transformer:
			      activation_type: silu
			      add_linear_biases: false
			      ffn_hidden_size: 14336
			      gated: true
			      head_groups: 8
			      hidden_size: 4096
			      kv_channels: 128
			      normalization:
			        type: rms_norm
			      num_attention_heads: 32
			      num_layers: 32
			      rotary:
			        type: llama3
			        theta: 500000.0
			""");

	/** The data section of the SFT guide: prepared training and validation splits, loss only on the answers, whole documents. */
	public static final SectionTemplate SFT_DATA = new SectionTemplate("SFT data section",
			"data for instruction finetuning: the prepared training and validation splits, loss masking spans on, no truncated documents",
			List.of("data"), """
			data:
			  datasets:
			    training:
			      type: file
			      path: ./sft-tutorial/tokenized/Llama-3.1-8B/fast_llm_config_training.yaml
			    validation:
			      type: file
			      path: ./sft-tutorial/tokenized/Llama-3.1-8B/fast_llm_config_validation.yaml
			  truncate_documents: no
			  sampling:
			    use_loss_masking_spans: yes
			""");

	public static final List<SectionTemplate> ALL = List.of(LLAMA_3_1_8B, SFT_DATA);

	/**
	 * The template for a document of the given possible Fast-LLM versions: as written (the seeds' form) when the
	 * document may be in it, else rewritten in today's form by the engine's migration; empty when that form does not fit
	 * the document either.
	 */
	public java.util.Optional<SectionTemplate> inForms(java.util.Set<FastLlmVersion> forms) {
		if (forms.contains(FastLlmVersion.V0_2)) {
			return java.util.Optional.of(this);
		}
		try {
			String migrated = ConfigMigration.toCurrent(body).text();
			boolean fits = !java.util.Collections.disjoint(FormMapping.form(YamlParser.parse(migrated)).possible(), forms);
			return fits ? java.util.Optional.of(new SectionTemplate(name, description, anchor, migrated)) : java.util.Optional.empty();
		} catch (YamlSyntaxException | ConfigMigration.NotMigratableException e) {
			throw new IllegalStateException("template " + name + " cannot be migrated: " + e.getMessage(), e);
		}
	}

	/** The template as a tree. */
	public MappingNode tree() {
		try {
			return (MappingNode) YamlParser.parse(body);
		} catch (YamlSyntaxException e) {
			throw new IllegalStateException("template " + name + " is not valid YAML: " + e.getMessage(), e);
		}
	}

	/** Whether the template is proposed for keys under {@code path}: at its anchor and above it. */
	public boolean fits(List<String> path) {
		return path.size() <= anchor.size() && anchor.subList(0, path.size()).equals(path);
	}

	/** The part of the template below {@code path}, or null when the template does not reach below it. */
	public YamlNode below(List<String> path) {
		YamlNode node = tree();
		for (String key : path) {
			if (!(node instanceof MappingNode mapping) || mapping.get(key).isEmpty()) {
				return null;
			}
			node = mapping.get(key).get();
		}
		return node;
	}
}
