package org.trainbench.engine.config.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.InputPaths;
import org.trainbench.engine.files.OutputPaths;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.config.schema.KeySuggestions;
import org.trainbench.engine.config.schema.LegacyMigration;
import org.trainbench.engine.config.schema.SchemaKey;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * Rules across keys, one method each. Values come from the tree after legacy migration, so legacy forms are checked
 * too; a key that is not written counts with its schema default, except architecture keys of a model loaded from
 * {@code pretrained}, which come from the pretrained model and are then only checked where written.
 */
final class CrossFieldRules {

    private static final String TRANSFORMER = LegacyMigration.TRANSFORMER;

    private final YamlNode written;
    private final YamlNode migrated;
    private final SchemaKey schema;
    private final Path configFile;
    private final List<Diagnostic> out;
    private final boolean pretrained;

    CrossFieldRules(YamlNode written, SchemaKey schema, Path configFile, List<Diagnostic> out) {
        this.written = written;
        this.migrated = LegacyMigration.migrate(written);
        this.schema = schema;
        this.configFile = configFile;
        this.out = out;
        this.pretrained = ConfigTree.at(written, "pretrained").isPresent();
    }

    void runTrainingRules() {
        checkArchitectureDefined();
        checkHeadsDivisibleByHeadGroups();
        checkHiddenSizeMatchesHeads();
        checkBatchDivisible();
        checkLearningRateSchedule();
        checkLearningRateMinimum();
        checkRotaryTheta();
        checkEvaluatorDatasets();
        checkTrainingDataset();
        checkDatasets();
        String block = "model.base_model.decoder.block";
        checkOneSettingForBoth(block + ".mixer.add_linear_biases", block + ".mlp.add_linear_biases", "true",
                "biases of the attention and of the MLP");
        checkOneSettingForBoth(block + ".normalization.type", "model.base_model.head.normalization.type", "layer_norm",
                "normalization of the blocks and after the last block");
        for (String layer : List.of("mixer.query_layer", "mixer.key_layer", "mixer.value_layer", "mixer.dense_layer", "mlp.layer_1",
                "mlp.layer_2")) {
            String owner = block + "." + layer.substring(0, layer.indexOf('.'));
            checkLayerBias(block + "." + layer + ".bias.enabled", owner + ".add_linear_biases");
        }
        checkOneSettingForBoth(block + ".normalization.epsilon", "model.base_model.head.normalization.epsilon", "1.0e-05",
                "normalization epsilon of the blocks and after the last block");
        checkPretrainedPath();
        checkPretrainedArchitecture();
        checkExportInterval();
        checkReferencedFiles();
    }

    void runPreparationRules() {
        checkReferencedFiles();
        checkOutputHoldsNoInput();
    }

    // ---------------------------------------------------------------------------------------------- rules

    /** Neither a pretrained model nor a transformer definition: the run has no architecture to build. */
    private void checkArchitectureDefined() {
        if (pretrained || ConfigTree.at(migrated, TRANSFORMER).isPresent()) {
            return;
        }
        SourceRange at = keyRange(written, "model.base_model").or(() -> keyRange(written, "model"))
                .orElse(ConfigTree.documentAnchor(written));
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.ARCHITECTURE_UNDEFINED, "The model architecture is undefined:"
                + " neither `pretrained` nor `model.base_model.transformer` (Fast-LLM 0.3 and 0.4: `model.base_model.decoder`) is given. Add a `pretrained` section (format,"
                + " path; model_weights: no loads only the architecture), or define `model.base_model.transformer`"
                + " (hidden_size, num_layers, num_attention_heads, head_groups, ffn_hidden_size, ...).", at,
                "model.base_model.transformer", Map.of(Diagnostic.DATA_MISSING_KEY, "model.base_model.transformer")));
    }

    /** Grouped-query attention splits the query heads evenly over the key/value heads. */
    private void checkHeadsDivisibleByHeadGroups() {
        OptionalLong heads = architectureInteger("num_attention_heads");
        OptionalLong groups = architectureInteger("head_groups");
        if (heads.isEmpty() || groups.isEmpty() || groups.getAsLong() <= 0 || heads.getAsLong() <= 0
                || heads.getAsLong() % groups.getAsLong() == 0) {
            return;
        }
        long divisor = closestDivisor(heads.getAsLong(), groups.getAsLong());
        String path = TRANSFORMER + ".head_groups";
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.HEADS_NOT_DIVISIBLE, "`num_attention_heads` (" + heads.getAsLong()
                + ") must be a multiple of `head_groups` (" + groups.getAsLong() + "): each key/value head serves the same"
                + " number of query heads. Use head_groups: " + divisor + ", or change num_attention_heads.",
                valueRange(path).or(() -> valueRange(TRANSFORMER + ".num_attention_heads")).orElse(anchor()), path,
                Map.of(Diagnostic.DATA_SUGGESTED_VALUE, Long.toString(divisor))));
    }

    /**
     * Attention projects to num_attention_heads * kv_channels; Llama-style models make that hidden_size. Without
     * kv_channels, hidden_size / num_attention_heads must divide exactly.
     */
    private void checkHiddenSizeMatchesHeads() {
        OptionalLong hidden = architectureInteger("hidden_size");
        OptionalLong heads = architectureInteger("num_attention_heads");
        if (hidden.isEmpty() || heads.isEmpty() || heads.getAsLong() <= 0) {
            return;
        }
        OptionalLong kv = integer(migrated, TRANSFORMER + ".kv_channels");
        if (kv.isPresent()) {
            long projection = heads.getAsLong() * kv.getAsLong();
            if (projection != hidden.getAsLong()) {
                String path = TRANSFORMER + ".kv_channels";
                out.add(new Diagnostic(Severity.WARNING, IssueCodes.HIDDEN_SIZE_MISMATCH, "num_attention_heads * kv_channels = "
                        + heads.getAsLong() + " * " + kv.getAsLong() + " = " + projection + " differs from hidden_size ("
                        + hidden.getAsLong() + "). Llama models have them equal: check kv_channels (hidden_size /"
                        + " num_attention_heads would be " + (hidden.getAsLong() / heads.getAsLong()) + ").",
                        valueRange(path).orElse(anchor()), path,
                        hidden.getAsLong() % heads.getAsLong() == 0
                                ? Map.of(Diagnostic.DATA_SUGGESTED_VALUE, Long.toString(hidden.getAsLong() / heads.getAsLong()))
                                : Map.of()));
            }
        } else if (hidden.getAsLong() % heads.getAsLong() != 0) {
            String path = TRANSFORMER + ".hidden_size";
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.HIDDEN_SIZE_MISMATCH, "kv_channels defaults to hidden_size /"
                    + " num_attention_heads, but " + hidden.getAsLong() + " is not divisible by " + heads.getAsLong()
                    + ": set kv_channels, or make hidden_size a multiple of num_attention_heads.",
                    valueRange(path).or(() -> valueRange(TRANSFORMER + ".num_attention_heads")).orElse(anchor()), path));
        }
    }

    /** A step accumulates batch_size / micro_batch_size micro-batches: it must divide exactly. */
    private void checkBatchDivisible() {
        OptionalLong batch = integer(migrated, "batch.batch_size");
        OptionalLong micro = integerOrDefault("batch.micro_batch_size");
        if (batch.isEmpty() || micro.isEmpty() || micro.getAsLong() <= 0 || batch.getAsLong() <= 0
                || batch.getAsLong() % micro.getAsLong() == 0) {
            return;
        }
        long m = micro.getAsLong();
        long rounded = Math.max(m, Math.round((double) batch.getAsLong() / m) * m);
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.BATCH_NOT_DIVISIBLE, "`batch.batch_size` (" + batch.getAsLong()
                + ") must be a multiple of `batch.micro_batch_size` (" + m + "; times the data-parallel size on several"
                + " GPUs): each step accumulates batch_size / micro_batch_size micro-batches. Use batch_size: " + rounded + ".",
                valueRange("batch.batch_size").orElse(anchor()), "batch.batch_size",
                Map.of(Diagnostic.DATA_SUGGESTED_VALUE, Long.toString(rounded))));
    }

    /** warmup < decay_iterations <= train_iters, otherwise the schedule never reaches its minimum or never decays. */
    private void checkLearningRateSchedule() {
        long warmup = integerOrDefault("optimizer.learning_rate.warmup_iterations").orElse(0);
        OptionalLong decay = integer(migrated, "optimizer.learning_rate.decay_iterations");
        long trainIters = integerOrDefault("training.train_iters").orElse(0);
        if (decay.isPresent() && warmup >= decay.getAsLong()) {
            String path = "optimizer.learning_rate.warmup_iterations";
            out.add(new Diagnostic(Severity.WARNING, IssueCodes.LR_SCHEDULE_ORDER, "The warmup (" + warmup
                    + " iterations) is not shorter than decay_iterations (" + decay.getAsLong() + "): the learning rate never"
                    + " decays. Make warmup_iterations < decay_iterations.",
                    valueRange(path).or(() -> valueRange("optimizer.learning_rate.decay_iterations")).orElse(anchor()), path));
        } else if (decay.isPresent() && trainIters > 0 && decay.getAsLong() > trainIters) {
            String path = "optimizer.learning_rate.decay_iterations";
            out.add(new Diagnostic(Severity.WARNING, IssueCodes.LR_SCHEDULE_ORDER, "decay_iterations (" + decay.getAsLong()
                    + ") is longer than training.train_iters (" + trainIters + "): training stops before the learning rate"
                    + " reaches its minimum. Use decay_iterations <= train_iters.", valueRange(path).orElse(anchor()), path,
                    Map.of(Diagnostic.DATA_SUGGESTED_VALUE, Long.toString(trainIters))));
        } else if (decay.isEmpty() && trainIters > 0 && warmup >= trainIters && ConfigTree.isSet(migrated,
                "optimizer.learning_rate.warmup_iterations")) {
            String path = "optimizer.learning_rate.warmup_iterations";
            out.add(new Diagnostic(Severity.WARNING, IssueCodes.LR_SCHEDULE_ORDER, "The warmup (" + warmup
                    + " iterations) is not shorter than training.train_iters (" + trainIters + "): training ends during the"
                    + " warmup.", valueRange(path).orElse(anchor()), path));
        }
    }

    /** The schedule decays from base to minimum: a minimum above base would make it rise. */
    private void checkLearningRateMinimum() {
        OptionalDouble base = numberOrDefault("optimizer.learning_rate.base");
        OptionalDouble minimum = numberOrDefault("optimizer.learning_rate.minimum");
        if (base.isEmpty() || minimum.isEmpty() || minimum.getAsDouble() <= base.getAsDouble()) {
            return;
        }
        String path = "optimizer.learning_rate.minimum";
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.LR_MINIMUM_ABOVE_BASE, "`optimizer.learning_rate.minimum` ("
                + minimum.getAsDouble() + ") is above `base` (" + base.getAsDouble() + "): the learning rate decays from base"
                + " to minimum. Lower minimum, or raise base.",
                valueRange(path).or(() -> valueRange("optimizer.learning_rate.base")).orElse(anchor()), path));
    }

    /** The legacy rotary_embedding_scale is -ln(theta): it must agree with rotary.theta and give theta > 1. */
    private void checkRotaryTheta() {
        String scalePath = TRANSFORMER + ".rotary_embedding_scale";
        OptionalDouble scale = number(written, scalePath);
        if (scale.isEmpty()) {
            return;
        }
        double theta = LegacyMigration.thetaFromRotaryEmbeddingScale(scale.getAsDouble());
        OptionalDouble writtenTheta = number(written, TRANSFORMER + ".rotary.theta");
        SourceRange at = valueRange(written, scalePath).orElse(anchor());
        if (writtenTheta.isPresent() && Math.abs(writtenTheta.getAsDouble() - theta) > 1e-6 * Math.abs(theta)) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.ROTARY_THETA_CONFLICT, "`rotary_embedding_scale` ("
                    + scale.getAsDouble() + ") means rotary theta = exp(-scale) = " + format(theta) + ", but `rotary.theta` is "
                    + format(writtenTheta.getAsDouble()) + ": remove rotary_embedding_scale and keep the theta you want.",
                    at, scalePath));
        } else if (!(theta > 1)) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.ROTARY_THETA_CONFLICT, "`rotary_embedding_scale` ("
                    + scale.getAsDouble() + ") gives rotary theta = exp(-scale) = " + format(theta) + ", but theta must be > 1:"
                    + " the scale is -ln(theta), negative (e.g. -13.122363377404328 for theta 500000). Check the sign.",
                    at, scalePath));
        }
    }

    /** Each evaluator reads a dataset by name (dataset_name, or its own name): it must be defined. */
    private void checkEvaluatorDatasets() {
        if (!(ConfigTree.at(migrated, "training.evaluators").orElse(null) instanceof MappingNode evaluators)) {
            return;
        }
        Set<String> datasets = datasetNames();
        if (datasets.isEmpty()) {
            return;
        }
        for (MappingNode.Entry entry : evaluators.entries()) {
            String path = "training.evaluators." + entry.name() + ".evaluator.dataset_name";
            Optional<ScalarNode> named = ConfigTree.scalar(migrated, path);
            String dataset = named.filter(s -> s.kind() == ScalarNode.Kind.STRING).map(ScalarNode::text).orElse(entry.name());
            if (named.isPresent() && named.get().kind() != ScalarNode.Kind.STRING || datasets.contains(dataset)) {
                continue;
            }
            Optional<String> close = KeySuggestions.closest(dataset, datasets);
            SourceRange at = named.map(ScalarNode::range).orElse(entry.key().range());
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.UNKNOWN_EVALUATOR_DATASET, "Evaluator `" + entry.name()
                    + "` reads dataset `" + dataset + "`, which `data.datasets` does not define (defined: "
                    + String.join(", ", datasets) + ")" + close.map(c -> "; did you mean `" + c + "`?").orElse(
                            ": add it to data.datasets or set evaluator.dataset_name"),
                    at, path, close.map(c -> Map.of(Diagnostic.DATA_SUGGESTED_VALUE, c)).orElse(Map.of())));
        }
    }

    /** Training iterations need the dataset named `training`. */
    private void checkTrainingDataset() {
        long trainIters = integerOrDefault("training.train_iters").orElse(0);
        Set<String> datasets = datasetNames();
        if (trainIters <= 0 || datasets.contains("training")) {
            return;
        }
        SourceRange at = keyRange(written, "data.datasets").or(() -> keyRange(written, "data"))
                .or(() -> valueRange("training.train_iters")).orElse(ConfigTree.documentAnchor(written));
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.MISSING_TRAINING_DATASET, "training.train_iters is " + trainIters
                + " but `data.datasets` has no `training` dataset to train on" + (datasets.isEmpty() ? "" : " (defined: "
                + String.join(", ", datasets) + ")") + ": add data.datasets.training with type and path.", at,
                "data.datasets.training", Map.of(Diagnostic.DATA_MISSING_KEY, "data.datasets.training")));
    }

    /**
     * Fast-LLM 0.3/0.4 set some things apart that the engine's Llama has once (transformer.add_linear_biases,
     * transformer.normalization): written differently, a run would compute another model.
     */
    private void checkOneSettingForBoth(String first, String second, String defaultValue, String what) {
        if (ConfigTree.at(written, first).isEmpty() && ConfigTree.at(written, second).isEmpty()) {
            return;
        }
        Object a = ConfigTree.scalar(written, first).map(ScalarNode::value).orElse(new ScalarNode(defaultValue, ScalarNode.Style.PLAIN, SourceRange.START).value());
        Object b = ConfigTree.scalar(written, second).map(ScalarNode::value).orElse(new ScalarNode(defaultValue, ScalarNode.Style.PLAIN, SourceRange.START).value());
        boolean same = a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue() : a.equals(b);
        if (same) {
            return;
        }
        String at = ConfigTree.at(written, second).isPresent() ? second : first;
        String firstText = ConfigTree.scalar(written, first).map(ScalarNode::text).orElse(defaultValue);
        String secondText = ConfigTree.scalar(written, second).map(ScalarNode::text).orElse(defaultValue);
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.NOT_HONOURED_BY_ENGINE, "`" + second + "` (" + secondText + ") differs from `"
                + first + "` (" + firstText + "): Fast-LLM sets the " + what + " apart, Trainbench's engine has one setting for both."
                + " Make them equal to run on Trainbench.", ConfigTree.at(written, at).orElseThrow().range(), at));
    }

    /**
     * A layer's own bias switch (Qwen2: biases on q, k and v only) that differs from its mixer's or MLP's
     * add_linear_biases: the engine's Llama has biases on all its linear layers or on none.
     */
    private void checkLayerBias(String enabledPath, String blockPath) {
        Optional<ScalarNode> enabled = ConfigTree.scalar(written, enabledPath).filter(s -> s.value() instanceof Boolean);
        if (enabled.isEmpty()) {
            return;
        }
        boolean block = ConfigTree.scalar(written, blockPath).map(s -> !Boolean.FALSE.equals(s.value())).orElse(true);
        if (!enabled.get().value().equals(block)) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.NOT_HONOURED_BY_ENGINE, "`" + enabledPath + ": " + enabled.get().text()
                    + "` differs from `" + blockPath + "` (" + block + "): in Fast-LLM a layer may have a bias of its own (Qwen2's"
                    + " q, k and v), Trainbench's engine has biases on all the linear layers or on none. Remove it to run on"
                    + " Trainbench.", enabled.get().range(), enabledPath));
        }
    }

    /**
     * A file or memmap dataset is read from its path; a blend samples from two or more datasets, one weight each, each
     * with its path.
     */
    private void checkDatasets() {
        if (!(ConfigTree.at(migrated, "data.datasets").orElse(null) instanceof MappingNode datasets)) {
            return;
        }
        for (MappingNode.Entry entry : datasets.entries()) {
            if (!(entry.value() instanceof MappingNode dataset)) {
                continue;
            }
            String path = "data.datasets." + entry.name();
            String type = dataset.get("type").filter(n -> n instanceof ScalarNode).map(n -> ((ScalarNode) n).text()).orElse("file");
            if (type.equals("file") || type.equals("memmap")) {
                requirePath(dataset, path, entry.key().range());
            } else if (type.equals("blended")) {
                checkBlend(dataset, path, entry.key().range());
            }
        }
    }

    private void requirePath(MappingNode dataset, String path, SourceRange at) {
        if (dataset.get("path").filter(n -> !SchemaRules.isNull(n)).isEmpty()) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.MISSING_REQUIRED, "Missing `" + path + ".path`: a "
                    + dataset.get("type").filter(n -> n instanceof ScalarNode).map(n -> ((ScalarNode) n).text()).orElse("file")
                    + " dataset is read from its path. Add it under `" + path + "`.", at, path + ".path",
                    Map.of(Diagnostic.DATA_MISSING_KEY, path + ".path")));
        }
    }

    private void checkBlend(MappingNode dataset, String path, SourceRange at) {
        List<YamlNode> parts = dataset.get("datasets").filter(n -> n instanceof org.trainbench.engine.config.yaml.SequenceNode)
                .map(n -> ((org.trainbench.engine.config.yaml.SequenceNode) n).items()).orElse(List.of());
        List<YamlNode> weights = dataset.get("weights").filter(n -> n instanceof org.trainbench.engine.config.yaml.SequenceNode)
                .map(n -> ((org.trainbench.engine.config.yaml.SequenceNode) n).items()).orElse(List.of());
        if (parts.size() < 2 || weights.size() != parts.size()) {
            out.add(new Diagnostic(Severity.ERROR, IssueCodes.BLEND_MISMATCH, "`" + path + "` blends " + parts.size()
                    + " dataset(s) with " + weights.size() + " weight(s): a blended dataset needs two or more `datasets`"
                    + " and one `weights` entry per dataset, in the same order.", at, path));
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) instanceof MappingNode part) {
                requirePath(part, path + ".datasets[" + i + "]", part.range());
            }
        }
    }

    /** A pretrained model is loaded from a path: without one, neither weights nor architecture can be read. */
    private void checkPretrainedPath() {
        Optional<MappingNode.Entry> section = ConfigTree.entry(written, "pretrained");
        if (section.isEmpty() || ConfigTree.isSet(written, "pretrained.path")) {
            return;
        }
        boolean weights = ConfigTree.scalar(written, "pretrained.model_weights").map(s -> !Boolean.FALSE.equals(s.value()))
                .orElse(true);
        out.add(new Diagnostic(Severity.ERROR, IssueCodes.PRETRAINED_WITHOUT_PATH, "`pretrained` has no `path`: "
                + (weights ? "model_weights is on, so the weights (and architecture) would be loaded from nowhere"
                        : "the architecture would be read from nowhere")
                + ". Add pretrained.path (the model directory), or remove the pretrained section.",
                section.get().key().range(), "pretrained.path", Map.of(Diagnostic.DATA_MISSING_KEY, "pretrained.path")));
    }

    /**
     * With {@code pretrained}, the architecture is the model's config.json: a written architecture key that disagrees
     * would be ignored without a word, so it is an error naming both values. Nothing is said when config.json is
     * missing or unreadable (the file check and the trainer report that).
     */
    private void checkPretrainedArchitecture() {
        ScalarNode pathNode = ConfigTree.scalar(written, "pretrained.path").filter(s -> s.kind() == ScalarNode.Kind.STRING)
                .orElse(null);
        if (pathNode == null) {
            return;
        }
        Path directory;
        try {
            directory = InputPaths.resolve(configFile, pathNode.text());
        } catch (InvalidPathException e) {
            return;
        }
        Path json = Files.isDirectory(directory) ? directory.resolve(HfLlamaConfig.FILE) : directory;
        if (!Files.isRegularFile(json)) {
            return;
        }
        LlamaArchitecture model;
        try {
            model = HfLlamaConfig.read(json).architecture();
        } catch (IOException | RuntimeException e) {
            return;
        }
        String where = json.normalize().toString();
        compareWithPretrained(TRANSFORMER + ".hidden_size", model.hiddenSize(), where);
        compareWithPretrained(TRANSFORMER + ".num_layers", model.numLayers(), where);
        compareWithPretrained(TRANSFORMER + ".num_attention_heads", model.numAttentionHeads(), where);
        compareWithPretrained(TRANSFORMER + ".head_groups", model.headGroups(), where);
        compareWithPretrained(TRANSFORMER + ".kv_channels", model.kvChannels(), where);
        compareWithPretrained(TRANSFORMER + ".ffn_hidden_size", model.ffnHiddenSize(), where);
        compareWithPretrained("model.base_model.vocab_size", model.vocabSize(), where);
        OptionalDouble theta = number(migrated, TRANSFORMER + ".rotary.theta");
        if (theta.isPresent() && theta.getAsDouble() != model.rotary().theta()) {
            pretrainedMismatch(TRANSFORMER + ".rotary.theta", String.valueOf(theta.getAsDouble()),
                    String.valueOf(model.rotary().theta()), where);
        }
    }

    private void compareWithPretrained(String path, long modelValue, String where) {
        OptionalLong value = integer(migrated, path);
        if (value.isPresent() && value.getAsLong() != modelValue) {
            pretrainedMismatch(path, String.valueOf(value.getAsLong()), String.valueOf(modelValue), where);
        }
    }

    private void pretrainedMismatch(String path, String written, String model, String where) {
        valueRange(path).ifPresent(range -> out.add(new Diagnostic(Severity.ERROR, IssueCodes.PRETRAINED_ARCHITECTURE_MISMATCH,
                "`" + path + "` is " + written + ", but the pretrained model has " + model + " (" + where + "): with `pretrained`,"
                        + " the architecture is loaded from the model and this value would be ignored. Set it to " + model
                        + ", remove it, or point pretrained.path to a model with this architecture.",
                range, path, Map.of(Diagnostic.DATA_SUGGESTED_VALUE, model))));
    }

    /**
     * Fast-LLM exports every {@code interval} steps and after the last step, and an unset interval disables exports
     * altogether (IntervalConfig.enabled); the engine does the same. A written {@code training.export} section without
     * an interval reads as if it exported at the end, so it gets a warning saying what to write.
     */
    private void checkExportInterval() {
        Optional<MappingNode.Entry> section = ConfigTree.entry(written, "training.export");
        if (section.isEmpty() || ConfigTree.isSet(written, "training.export.interval")) {
            return;
        }
        long trainIters = integerOrDefault("training.train_iters").orElse(0);
        out.add(new Diagnostic(Severity.WARNING, IssueCodes.EXPORT_WITHOUT_INTERVAL, "`training.export` has no `interval`: as in"
                + " Fast-LLM, exports are then disabled and the run writes none, not even after the last step. Set"
                + " training.export.interval (" + (trainIters > 0 ? trainIters + ", the train_iters, " : "training.train_iters ")
                + "for one export at the end), or remove training.export.",
                section.get().key().range(), "training.export.interval", Map.of(Diagnostic.DATA_MISSING_KEY, "training.export.interval")));
    }

    /** Input files and directories named in the config should exist, relative to the config file's directory. */
    private void checkReferencedFiles() {
        if (configFile == null) {
            return;
        }
        List<String[]> found = new ArrayList<>();
        collectInputPaths(written, schema, "", found);
        for (String[] reference : found) {
            String path = reference[0];
            Optional<Path> local = localPath(reference);
            if (local.isEmpty()) {
                continue;
            }
            ScalarNode value = ConfigTree.scalar(written, path).orElseThrow();
            String text = value.text();
            Path resolved = local.get();
            // A memmap dataset is named by the prefix of its .bin/.idx pair, which is no file itself.
            if (!Files.exists(resolved) && !Files.isRegularFile(Path.of(resolved + ".idx"))) {
                out.add(new Diagnostic(Severity.WARNING, IssueCodes.FILE_NOT_FOUND, "`" + path + "`: " + text
                        + " does not exist (looked for " + resolved.normalize() + ", relative to the config file)"
                        + (path.startsWith("data.") ? "; run `trainbench prepare` first, or fix the path" : "; fix the path"),
                        value.range(), path));
            }
        }
    }

    /**
     * A data-preparation output_path is replaced as a whole by {@code prepare --overwrite}: it must not be, or hold,
     * the config or an input ({@code output_path: .} holds the config itself).
     */
    private void checkOutputHoldsNoInput() {
        if (configFile == null) {
            return;
        }
        ScalarNode value = ConfigTree.scalar(written, "output_path").orElse(null);
        if (value == null || value.kind() != ScalarNode.Kind.STRING) {
            return;
        }
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("this config file", configFile);
        List<String[]> found = new ArrayList<>();
        collectInputPaths(written, schema, "", found);
        for (String[] reference : found) {
            // A Hub-style name (org/name) counts here too when it is a local path that exists.
            localPath(new String[] {reference[0], null}).filter(path -> reference[1] == null || Files.exists(path))
                    .ifPresent(path -> inputs.put("`" + reference[0] + "` (" + path + ")", path));
        }
        Path output;
        try {
            output = InputPaths.resolve(configFile, value.text());
        } catch (InvalidPathException e) {
            return;
        }
        OutputPaths.holds(output, inputs).ifPresent(held -> out.add(new Diagnostic(Severity.ERROR,
                IssueCodes.OUTPUT_HOLDS_INPUT, "`output_path`: " + value.text() + " is " + output.normalize() + ", which holds "
                        + held.getKey() + "; `trainbench prepare` replaces its output folder as a whole and refuses it."
                        + " Use a folder of its own, e.g. `output_path: prepared`.", value.range(), "output_path")));
    }

    /** An input path written in the config, resolved as the engine reads it; empty for Hub names and non-paths. */
    private Optional<Path> localPath(String[] reference) {
        ScalarNode value = ConfigTree.scalar(written, reference[0]).orElse(null);
        if (value == null || value.kind() != ScalarNode.Kind.STRING) {
            return Optional.empty();
        }
        String text = value.text();
        boolean local = text.startsWith("./") || text.startsWith("../") || text.startsWith("/") || text.startsWith("~");
        if (reference[1] != null && !local) {
            return Optional.empty();
        }
        try {
            return Optional.of(InputPaths.resolve(configFile, text));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    // -------------------------------------------------------------------------------------------- values

    private void collectInputPaths(YamlNode node, SchemaKey key, String path, List<String[]> found) {
        if (key.inputPath()) {
            found.add(new String[] {path, key.hubNameAllowed() ? "hub" : null});
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            return;
        }
        for (MappingNode.Entry entry : mapping.entries()) {
            Optional<SchemaKey> child = key.step(entry.name());
            if (child.isPresent()) {
                collectInputPaths(entry.value(), child.get(), SchemaRules.join(path, entry.name()), found);
            }
        }
    }

    /** Dataset names a run will have: data.datasets, or training/validation/test of the legacy form. */
    private Set<String> datasetNames() {
        Set<String> names = new LinkedHashSet<>();
        if (ConfigTree.at(migrated, "data.datasets").orElse(null) instanceof MappingNode datasets) {
            names.addAll(datasets.keys());
        }
        if (names.isEmpty() && (ConfigTree.isSet(migrated, "data.path") || ConfigTree.isSet(migrated, "data.format"))) {
            names.addAll(List.of("training", "validation", "test"));
        }
        return names;
    }

    /** An architecture key: written, or its default when the architecture is not loaded from `pretrained`. */
    private OptionalLong architectureInteger(String name) {
        String path = TRANSFORMER + "." + name;
        OptionalLong value = integer(migrated, path);
        return value.isPresent() || pretrained ? value : schemaDefaultInteger(path);
    }

    private OptionalLong integerOrDefault(String path) {
        OptionalLong value = integer(migrated, path);
        return value.isPresent() ? value : schemaDefaultInteger(path);
    }

    private OptionalDouble numberOrDefault(String path) {
        OptionalDouble value = number(migrated, path);
        if (value.isPresent() || ConfigTree.at(migrated, path).isPresent()) {
            return value;
        }
        Optional<String> literal = defaultLiteral(path);
        if (literal.isPresent() && new ScalarNode(literal.get(), ScalarNode.Style.PLAIN, SourceRange.START).value() instanceof Number n) {
            return OptionalDouble.of(n.doubleValue());
        }
        return OptionalDouble.empty();
    }

    private OptionalLong schemaDefaultInteger(String path) {
        if (ConfigTree.at(migrated, path).isPresent()) {
            return OptionalLong.empty(); // written, but not a usable integer: already reported
        }
        Optional<String> literal = defaultLiteral(path);
        if (literal.isPresent() && new ScalarNode(literal.get(), ScalarNode.Style.PLAIN, SourceRange.START).value() instanceof Long l) {
            return OptionalLong.of(l);
        }
        return OptionalLong.empty();
    }

    private Optional<String> defaultLiteral(String path) {
        SchemaKey key = schema;
        for (String step : ConfigTree.path(path)) {
            Optional<SchemaKey> next = key.step(step);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            key = next.get();
        }
        return key.defaultValue();
    }

    private static OptionalLong integer(YamlNode tree, String path) {
        return ConfigTree.scalar(tree, path).filter(s -> s.kind() == ScalarNode.Kind.INTEGER && s.value() instanceof Long)
                .map(s -> OptionalLong.of((Long) s.value())).orElse(OptionalLong.empty());
    }

    private static OptionalDouble number(YamlNode tree, String path) {
        return ConfigTree.scalar(tree, path).filter(s -> s.value() instanceof Long || s.value() instanceof Double)
                .map(s -> OptionalDouble.of(((Number) s.value()).doubleValue())).orElse(OptionalDouble.empty());
    }

    private Optional<SourceRange> valueRange(String path) {
        return valueRange(migrated, path);
    }

    private static Optional<SourceRange> valueRange(YamlNode tree, String path) {
        return ConfigTree.at(tree, path).map(YamlNode::range);
    }

    private static Optional<SourceRange> keyRange(YamlNode tree, String path) {
        return ConfigTree.entry(tree, path).map(entry -> entry.key().range());
    }

    private SourceRange anchor() {
        return ConfigTree.documentAnchor(written);
    }

    /** The divisor of {@code of} closest to {@code near} (searched up to sqrt: head counts are small). */
    private static long closestDivisor(long of, long near) {
        long best = 1;
        for (long d = 1; d * d <= of && d <= 1_000_000; d++) {
            if (of % d == 0) {
                for (long candidate : new long[] {d, of / d}) {
                    if (Math.abs(candidate - near) < Math.abs(best - near)) {
                        best = candidate;
                    }
                }
            }
        }
        return best;
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
