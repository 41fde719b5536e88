package org.trainbench.engine.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.safetensors.SafetensorsFile;
import org.trainbench.engine.safetensors.SafetensorsFormatException;
import org.trainbench.engine.safetensors.SafetensorsWriter;
import org.trainbench.engine.tensor.Parameter;

/**
 * Import and export of Hugging Face Llama directories (config.json, generation_config.json, safetensors weights,
 * sharded with an index when large).
 *
 * <p>Weight names: the engine names its parameters exactly as transformers' LlamaForCausalLM does
 * ({@code model.embed_tokens.weight}, {@code model.layers.N.self_attn.q_proj.weight}, {@code ...k_proj},
 * {@code ...v_proj}, {@code ...o_proj}, {@code model.layers.N.mlp.gate_proj.weight}, {@code ...up_proj},
 * {@code ...down_proj}, {@code model.layers.N.input_layernorm.weight}, {@code ...post_attention_layernorm.weight},
 * {@code model.norm.weight}, {@code lm_head.weight}), so the mapping is the identity. The rotary embedding uses
 * Hugging Face's rotate-half layout too, so q_proj and k_proj rows need no permutation (Fast-LLM's own
 * checkpoints interleave them; this engine does not). With tied embeddings, {@code lm_head.weight} is neither
 * written nor required (and ignored if present), as in transformers.
 */
public final class HfLlamaFormat {
    /** Tokenizer files copied along with an export when a source directory is given. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model");

    /**
     * How to write an export.
     *
     * @param dtype                 F32 or BF16
     * @param maxShardBytes         above this many bytes of weights, shards plus an index
     * @param maxPositionEmbeddings written to config.json
     * @param bosTokenId            written to config.json and generation_config.json, or null
     * @param eosTokenIds           likewise, possibly empty
     * @param tokenizerSource       a directory whose tokenizer files are copied along, or null
     */
    public record ExportOptions(SafetensorsDType dtype, long maxShardBytes, int maxPositionEmbeddings, Integer bosTokenId,
                                List<Integer> eosTokenIds, Path tokenizerSource) {
        public ExportOptions {
            if (dtype == SafetensorsDType.F16) {
                throw new IllegalArgumentException("export dtype must be F32 or BF16");
            }
            eosTokenIds = List.copyOf(eosTokenIds);
        }

        /** F32, 5 GB shards, 2048 positions, no special tokens, no tokenizer. */
        public static ExportOptions defaults() {
            return new ExportOptions(SafetensorsDType.F32, SafetensorsDirectory.DEFAULT_MAX_SHARD_BYTES, 2048, null, List.of(), null);
        }

        /** Keeps what an imported config says about context length and special tokens. */
        public static ExportOptions like(HfLlamaConfig config) {
            return new ExportOptions(SafetensorsDType.F32, SafetensorsDirectory.DEFAULT_MAX_SHARD_BYTES,
                    config.maxPositionEmbeddings(), config.bosTokenId(), config.eosTokenIds(), null);
        }

        public ExportOptions withDtype(SafetensorsDType newDtype) {
            return new ExportOptions(newDtype, maxShardBytes, maxPositionEmbeddings, bosTokenId, eosTokenIds, tokenizerSource);
        }

        public ExportOptions withMaxShardBytes(long bytes) {
            return new ExportOptions(dtype, bytes, maxPositionEmbeddings, bosTokenId, eosTokenIds, tokenizerSource);
        }

        public ExportOptions withTokenizerSource(Path directory) {
            return new ExportOptions(dtype, maxShardBytes, maxPositionEmbeddings, bosTokenId, eosTokenIds, directory);
        }
    }

    private HfLlamaFormat() {
    }

    /** Reads config.json and the weights of a Hugging Face Llama directory into a new model. */
    public static LlamaModel load(Path directory) throws IOException {
        HfLlamaConfig config = HfLlamaConfig.read(directory);
        LlamaModel model = LlamaModel.empty(config.architecture());
        loadWeights(model, directory);
        return model;
    }

    /**
     * Fills every parameter of {@code model} from the directory's safetensors (F32, BF16 or F16, converted to fp32).
     * Fails, naming the tensor and file, on a missing tensor, a shape mismatch, or a tensor the model has no place for.
     */
    public static void loadWeights(LlamaModel model, Path directory) throws IOException {
        try (SafetensorsDirectory weights = SafetensorsDirectory.open(directory)) {
            Set<String> used = new HashSet<>();
            for (Parameter p : model.parameters()) {
                String name = p.name();
                if (!weights.contains(name)) {
                    throw new SafetensorsFormatException(directory + ": the weights have no tensor '" + name
                            + "' (expected shape " + Arrays.toString(p.shape()) + "); check that config.json matches the weights");
                }
                SafetensorsFile.TensorInfo info = weights.info(name);
                if (!Arrays.equals(info.shape(), p.shape())) {
                    throw new SafetensorsFormatException(weights.fileOf(name).path() + ": tensor '" + name + "' has shape "
                            + Arrays.toString(info.shape()) + ", config.json implies " + Arrays.toString(p.shape()));
                }
                float[] values = weights.readFloats(name);
                System.arraycopy(values, 0, p.data(), 0, values.length);
                used.add(name);
            }
            List<String> unexpected = new ArrayList<>();
            for (String name : weights.names()) {
                boolean ignorable = name.endsWith("rotary_emb.inv_freq")
                        || (name.equals("lm_head.weight") && model.architecture().tieWordEmbeddings());
                if (!used.contains(name) && !ignorable) {
                    unexpected.add(name);
                }
            }
            if (!unexpected.isEmpty()) {
                throw new SafetensorsFormatException(directory + ": tensors the Llama model has no place for: "
                        + unexpected.subList(0, Math.min(5, unexpected.size())) + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : "")
                        + "; is this a Llama checkpoint, and does config.json (e.g. attention_bias, tie_word_embeddings) match it?");
            }
        }
    }

    /** Whether {@link #export} writes a file of this name (the weights, shards, index, configs, tokenizer files). */
    public static boolean isExportFile(String name) {
        return name.equals("config.json") || name.equals("generation_config.json") || TOKENIZER_FILES.contains(name)
                || name.matches("model(-\\d+-of-\\d+)?\\.safetensors|model\\.safetensors\\.index\\.json");
    }

    /**
     * Writes {@code model} as a Hugging Face Llama directory: config.json, generation_config.json, the weights
     * (model.safetensors or shards with model.safetensors.index.json), and the tokenizer files if asked.
     * The directory is created if needed; files of the same names are replaced.
     */
    public static void export(LlamaModel model, Path directory, ExportOptions options) throws IOException {
        Files.createDirectories(directory);
        LlamaArchitecture arch = model.architecture();
        HfLlamaConfig config = new HfLlamaConfig(arch, options.maxPositionEmbeddings(), options.bosTokenId(), options.eosTokenIds());
        List<SafetensorsWriter.NamedTensor> tensors = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            tensors.add(new SafetensorsWriter.NamedTensor(p.name(), p.shape(), p.data()));
        }
        SafetensorsDirectory.write(directory, tensors, options.dtype(), options.maxShardBytes());
        config.write(directory, options.dtype() == SafetensorsDType.BF16 ? "bfloat16" : "float32");
        config.writeGenerationConfig(directory);
        if (options.tokenizerSource() != null) {
            for (String name : TOKENIZER_FILES) {
                Path source = options.tokenizerSource().resolve(name);
                if (Files.isRegularFile(source)) {
                    Files.copy(source, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
