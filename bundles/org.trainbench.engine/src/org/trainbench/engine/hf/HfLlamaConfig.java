package org.trainbench.engine.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture.Rotary;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.safetensors.SafetensorsFormatException;

/**
 * A Hugging Face Llama {@code config.json}: the architecture plus what only Hugging Face keeps (context length,
 * special token ids).
 *
 * <p>Reads both spellings of the rotary settings: transformers 4 (and Llama 3.1 on the Hub) with top-level
 * {@code rope_theta} and {@code rope_scaling}, and transformers 5 with {@code rope_parameters} (rope_theta inside).
 * Writes the transformers-4 spelling, which both versions load.
 *
 * @param architecture          the model shape (initStd is Fast-LLM's default for the hidden size)
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @param bosTokenId            {@code bos_token_id}, or null
 * @param eosTokenIds           {@code eos_token_id} (one id or a list), empty when absent
 */
public record HfLlamaConfig(LlamaArchitecture architecture, int maxPositionEmbeddings, Integer bosTokenId,
                            List<Integer> eosTokenIds) {
    public static final String FILE = "config.json";
    /** The special tokens transformers' generate() uses by default, next to config.json. */
    public static final String GENERATION_FILE = "generation_config.json";

    /**
     * The special tokens of a generation_config.json.
     *
     * @param bosTokenId  {@code bos_token_id}, or null
     * @param eosTokenIds {@code eos_token_id} (one id or a list), empty when absent
     */
    public record GenerationTokens(Integer bosTokenId, List<Integer> eosTokenIds) {
        public GenerationTokens {
            eosTokenIds = List.copyOf(eosTokenIds);
        }
    }

    public HfLlamaConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads {@code config.json} from a model directory or the file itself. */
    public static HfLlamaConfig read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new SafetensorsFormatException(file + ": missing; a Hugging Face Llama directory has a config.json");
        }
        Object parsed;
        try {
            parsed = Json.parse(TextFiles.readUtf8(file));
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(file + ": not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new SafetensorsFormatException(file + ": expected a JSON object");
        }
        return fromJson(map, file.toString());
    }

    /** Builds the config from the parsed JSON; {@code source} names the file in error messages. */
    public static HfLlamaConfig fromJson(Map<?, ?> json, String source) {
        Reader r = new Reader(json, source);
        Object modelType = json.get("model_type");
        if (modelType != null && !"llama".equals(modelType)) {
            throw new SafetensorsFormatException(source + ": model_type is '" + modelType + "'; the engine reads Llama models (model_type: llama)");
        }
        int hidden = r.integer("hidden_size", null);
        int heads = r.integer("num_attention_heads", null);
        int kvHeads = r.integer("num_key_value_heads", heads);
        Object headDimValue = json.get("head_dim");
        int headDim = headDimValue == null ? hidden / heads : r.integer("head_dim", null);
        String act = r.string("hidden_act", "silu");
        boolean attentionBias = r.bool("attention_bias", false);
        boolean mlpBias = r.bool("mlp_bias", false);
        if (attentionBias != mlpBias) {
            throw new SafetensorsFormatException(source + ": attention_bias is " + attentionBias + " but mlp_bias is " + mlpBias
                    + "; the engine's add_linear_biases puts biases on all linear layers or none, so they must agree");
        }
        Rotary rotary = readRotary(json, r, source);
        LlamaArchitecture.Activation activation;
        try {
            activation = LlamaArchitecture.Activation.parse(act);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(source + ": hidden_act: " + e.getMessage());
        }
        LlamaArchitecture arch;
        try {
            arch = new LlamaArchitecture(r.integer("vocab_size", null), hidden, r.integer("num_hidden_layers", null), heads, kvHeads,
                    headDim, r.integer("intermediate_size", null), true, activation, attentionBias,
                    r.number("rms_norm_eps", 1e-6), r.bool("tie_word_embeddings", false), rotary,
                    LlamaArchitecture.defaultInitStd(hidden));
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(source + ": " + e.getMessage());
        }
        Integer bos = json.get("bos_token_id") == null ? null : r.integer("bos_token_id", null);
        List<Integer> eos = tokenIds(json.get("eos_token_id"), source);
        return new HfLlamaConfig(arch, r.integer("max_position_embeddings", 2048), bos, eos);
    }

    private static Rotary readRotary(Map<?, ?> json, Reader r, String source) {
        Map<?, ?> params;
        double theta;
        String where;
        if (json.get("rope_parameters") instanceof Map<?, ?> p) {
            params = p;
            where = "rope_parameters";
            theta = new Reader(p, source + ": rope_parameters").number("rope_theta", r.number("rope_theta", 10000.0));
        } else {
            params = json.get("rope_scaling") instanceof Map<?, ?> s ? s : Map.of();
            where = "rope_scaling";
            theta = r.number("rope_theta", 10000.0);
        }
        Reader p = new Reader(params, source + ": " + where);
        Object typeValue = params.get("rope_type") != null ? params.get("rope_type") : params.get("type");
        String type = typeValue == null ? "default" : String.valueOf(typeValue);
        try {
            return switch (type) {
                case "default" -> Rotary.defaultScaling(theta);
                case "llama3" -> new Rotary(Rotary.Type.LLAMA3, theta, p.number("factor", null), p.number("low_freq_factor", null),
                        p.number("high_freq_factor", null), p.integer("original_max_position_embeddings", null));
                default -> throw new SafetensorsFormatException(source + ": " + where + ".rope_type is '" + type
                        + "'; the engine supports 'default' and 'llama3'");
            };
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(source + ": " + where + ": " + e.getMessage());
        }
    }

    private static int tokenId(Number id, String source) {
        return tokenId(id, source, "eos_token_id");
    }

    private static int tokenId(Number id, String source, String key) {
        try {
            return Json.toInt(id, 0, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(source + ": " + key + ": " + e.getMessage());
        }
    }

    private static List<Integer> tokenIds(Object value, String source) {
        List<Integer> ids = new ArrayList<>();
        if (value instanceof Number n) {
            ids.add(tokenId(n, source));
        } else if (value instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Number n)) {
                    throw new SafetensorsFormatException(source + ": eos_token_id must be an integer or a list of integers");
                }
                ids.add(tokenId(n, source));
            }
        } else if (value != null) {
            throw new SafetensorsFormatException(source + ": eos_token_id must be an integer or a list of integers");
        }
        return ids;
    }

    /** The config as Hugging Face writes it (keys sorted), transformers-4 rope spelling. */
    public Map<String, Object> toJson(String torchDtype) {
        LlamaArchitecture a = architecture;
        Map<String, Object> m = new TreeMap<>();
        m.put("architectures", List.of("LlamaForCausalLM"));
        m.put("attention_bias", a.addLinearBiases());
        m.put("attention_dropout", 0.0);
        if (bosTokenId != null) {
            m.put("bos_token_id", bosTokenId);
        }
        if (!eosTokenIds.isEmpty()) {
            m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
        }
        m.put("head_dim", a.kvChannels());
        m.put("hidden_act", "silu");
        m.put("hidden_size", a.hiddenSize());
        m.put("initializer_range", a.initStd());
        m.put("intermediate_size", a.ffnHiddenSize());
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("mlp_bias", a.addLinearBiases());
        m.put("model_type", "llama");
        m.put("num_attention_heads", a.numAttentionHeads());
        m.put("num_hidden_layers", a.numLayers());
        m.put("num_key_value_heads", a.headGroups());
        m.put("pretraining_tp", 1);
        m.put("rms_norm_eps", a.normEpsilon());
        Rotary rope = a.rotary();
        if (rope.type() == Rotary.Type.LLAMA3) {
            Map<String, Object> scaling = new TreeMap<>();
            scaling.put("factor", rope.scaleFactor());
            scaling.put("high_freq_factor", rope.highFrequencyFactor());
            scaling.put("low_freq_factor", rope.lowFrequencyFactor());
            scaling.put("original_max_position_embeddings", rope.originalContextLength());
            scaling.put("rope_type", "llama3");
            m.put("rope_scaling", scaling);
        } else {
            m.put("rope_scaling", null);
        }
        m.put("rope_theta", rope.theta());
        m.put("tie_word_embeddings", a.tieWordEmbeddings());
        m.put("torch_dtype", torchDtype);
        m.put("use_cache", true);
        m.put("vocab_size", a.vocabSize());
        return m;
    }

    /** Writes {@code config.json} into a directory. */
    public void write(Path directory, String torchDtype) throws IOException {
        Files.writeString(directory.resolve(FILE), PrettyJson.write(toJson(torchDtype)) + "\n");
    }

    /** The special tokens of DIRECTORY/generation_config.json; empty when there is no such file. */
    public static java.util.Optional<GenerationTokens> readGenerationConfig(Path directory) throws IOException {
        Path file = directory.resolve(GENERATION_FILE);
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        Object parsed;
        try {
            parsed = Json.parse(TextFiles.readUtf8(file));
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(file + ": not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new SafetensorsFormatException(file + ": expected a JSON object");
        }
        Object bos = json.get("bos_token_id");
        if (bos != null && !(bos instanceof Number)) {
            throw new SafetensorsFormatException(file + ": bos_token_id must be an integer");
        }
        return java.util.Optional.of(new GenerationTokens(bos == null ? null : tokenId((Number) bos, file.toString(), "bos_token_id"),
                tokenIds(json.get("eos_token_id"), file.toString())));
    }

    /** Writes {@code generation_config.json}: the special tokens, as save_pretrained derives it from the model config. */
    public void writeGenerationConfig(Path directory) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        m.put("_from_model_config", true);
        if (bosTokenId != null) {
            m.put("bos_token_id", bosTokenId);
        }
        if (!eosTokenIds.isEmpty()) {
            m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
        }
        Files.writeString(directory.resolve(GENERATION_FILE), PrettyJson.write(m) + "\n");
    }

    /** Typed access to JSON keys with errors that name the file and the key. */
    private record Reader(Map<?, ?> json, String source) {
        int integer(String key, Integer fallback) {
            Object v = json.get(key);
            if (v == null) {
                if (fallback == null) {
                    throw new SafetensorsFormatException(source + ": missing required key '" + key + "' (an integer)");
                }
                return fallback;
            }
            try {
                return Json.toInt(v, 0, Integer.MAX_VALUE);
            } catch (IllegalArgumentException e) {
                throw new SafetensorsFormatException(source + ": '" + key + "': " + e.getMessage());
            }
        }

        double number(String key, Double fallback) {
            Object v = json.get(key);
            if (v == null) {
                if (fallback == null) {
                    throw new SafetensorsFormatException(source + ": missing required key '" + key + "' (a number)");
                }
                return fallback;
            }
            if (!(v instanceof Number n)) {
                throw new SafetensorsFormatException(source + ": '" + key + "' must be a number, got " + v);
            }
            return n.doubleValue();
        }

        boolean bool(String key, boolean fallback) {
            Object v = json.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Boolean b)) {
                throw new SafetensorsFormatException(source + ": '" + key + "' must be true or false, got " + v);
            }
            return b;
        }

        String string(String key, String fallback) {
            Object v = json.get(key);
            return v == null ? fallback : String.valueOf(v);
        }
    }
}
