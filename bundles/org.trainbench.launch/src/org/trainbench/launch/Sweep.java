package org.trainbench.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.trainbench.engine.config.schema.ConfigOverrides;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.trainbench.engine.config.yaml.YamlWriter;
import org.trainbench.engine.run.RunDirectory;

/**
 * A sweep over a run's config: one or more keys, each with a list of values; one run per point of their grid (every
 * combination), each in its own experiment directory {@code <parent>/<name>/<point>} and started with the source
 * run's launch settings plus the point's values as {@code --set key=value} overrides, exactly as the engine applies
 * them. A point is named after its values, {@code base=0.0003,seed=2} (each key by the shortest tail of its path that
 * tells the keys apart). The sweep's folder holds {@value RunDirectory#SWEEP}, which records what was swept and
 * makes the views show its runs as a group.
 *
 * <p>A sweep whose keys each have one value is a duplicate with changes: one run, in {@code <parent>/<name>} itself.
 *
 * <p>Plain Java: no workbench needed to expand, name or check a sweep.
 *
 * @param name the sweep's folder (or the duplicate's run directory) name
 * @param axes the swept keys in the order given; the first varies slowest
 */
public record Sweep(String name, List<Axis> axes) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._=,+-]*");
    /** What a point's name keeps of a value; other characters become '_'. */
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._+-]+");
    private static final String EXPERIMENT_DIR_KEY = "run.experiment_dir";

    /**
     * One swept key.
     *
     * @param key    a dotted config key, as {@code --set} takes it
     * @param values each a YAML value as {@code --set} takes it ({@code 3.0e-4}, {@code [0.9, 0.95]}, {@code cosine})
     */
    public record Axis(String key, List<String> values) {
        public Axis {
            values = List.copyOf(values);
        }
    }

    /** One run of the sweep: its directory name and the overrides that make it. */
    public record Point(String name, List<ConfigOverride> assignments) {
        public Point {
            assignments = List.copyOf(assignments);
        }
    }

    /** A sweep that cannot be made as written; the message names the line or key and what to write. */
    public static final class InvalidSweepException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidSweepException(String message) {
            super(message);
        }
    }

    public Sweep {
        axes = List.copyOf(axes);
    }

    /**
     * Reads the keys and values as the dialog takes them: one key per line, {@code key = value, value, ...} (or the
     * values as a YAML flow list, {@code key = [value, value]}); blank lines and lines starting with '#' are skipped.
     */
    public static Sweep parse(String name, String text) throws InvalidSweepException {
        String sweepName = name.strip();
        if (sweepName.isEmpty()) {
            throw new InvalidSweepException("Enter a name: it names the folder of the sweep's runs");
        }
        if (!NAME.matcher(sweepName).matches()) {
            throw new InvalidSweepException("Name '" + sweepName + "': use letters, digits and . _ = , + - (it names a folder)");
        }
        List<Axis> axes = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "Line " + (i + 1) + " '" + line + "'";
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new InvalidSweepException(where + ": expected key = value, value, ... (e.g. optimizer.learning_rate.base = 1e-4, 3e-4)");
            }
            ConfigOverride key = new ConfigOverride(line.substring(0, equals).strip(), "");
            String keyProblem = key.problem();
            if (keyProblem != null) {
                throw new InvalidSweepException(where + ": " + keyProblem);
            }
            if (key.key().equals(EXPERIMENT_DIR_KEY)) {
                throw new InvalidSweepException(where + ": each run of a sweep gets its own " + EXPERIMENT_DIR_KEY + " below the sweep's folder; sweep other keys");
            }
            if (!keys.add(key.key())) {
                throw new InvalidSweepException(where + ": " + key.key() + " is already swept on an earlier line; list all its values on one line");
            }
            axes.add(new Axis(key.key(), values(where, line.substring(equals + 1).strip())));
        }
        if (axes.isEmpty()) {
            throw new InvalidSweepException("Enter at least one key and its values, e.g. optimizer.learning_rate.base = 1e-4, 3e-4");
        }
        return new Sweep(sweepName, axes);
    }

    /** The values of one line, each as its YAML text: the items of a flow list. */
    private static List<String> values(String where, String text) throws InvalidSweepException {
        String list = text.startsWith("[") ? text : "[" + text + "]";
        YamlNode node;
        try {
            node = YamlParser.parse(list);
        } catch (YamlSyntaxException e) {
            throw new InvalidSweepException(where + ": the values are not a YAML list: " + e.reason());
        }
        if (!(node instanceof SequenceNode sequence) || sequence.items().isEmpty()) {
            throw new InvalidSweepException(where + ": no values after '='");
        }
        List<String> values = new ArrayList<>();
        for (YamlNode item : sequence.items()) {
            values.add(list.substring(item.range().offset(), item.range().endOffset()).strip());
        }
        if (values.stream().distinct().count() < values.size()) {
            throw new InvalidSweepException(where + ": a value is listed twice");
        }
        return values;
    }

    /** Whether this is one run (every key has one value): a duplicate with changes rather than a group. */
    public boolean isDuplicate() {
        return axes.stream().allMatch(a -> a.values().size() == 1);
    }

    /** The grid: every combination of the values, the first key varying slowest. */
    public List<Point> points() {
        List<String> labels = labels();
        List<List<ConfigOverride>> combinations = new ArrayList<>();
        combinations.add(List.of());
        for (Axis axis : axes) {
            List<List<ConfigOverride>> next = new ArrayList<>();
            for (List<ConfigOverride> prefix : combinations) {
                for (String value : axis.values()) {
                    List<ConfigOverride> longer = new ArrayList<>(prefix);
                    longer.add(new ConfigOverride(axis.key(), value));
                    next.add(longer);
                }
            }
            combinations = next;
        }
        List<Point> points = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (List<ConfigOverride> assignments : combinations) {
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < assignments.size(); i++) {
                String value = UNSAFE.matcher(assignments.get(i).value()).replaceAll("_").replaceAll("^_+|_+$", "");
                name.append(i > 0 ? "," : "").append(labels.get(i)).append('=').append(value);
            }
            String unique = name.toString();
            for (int n = 2; !taken.add(unique); n++) {
                unique = name + "-" + n;
            }
            points.add(new Point(isDuplicate() ? this.name : unique, assignments));
        }
        return points;
    }

    /** Each key by the shortest tail of its dotted path that no other swept key ends with. */
    private List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (Axis axis : axes) {
            List<String> parts = List.of(axis.key().split("\\."));
            String label = axis.key();
            for (int n = 1; n <= parts.size(); n++) {
                String tail = String.join(".", parts.subList(parts.size() - n, parts.size()));
                if (axes.stream().filter(other -> other != axis).noneMatch(other -> other.key().equals(tail) || other.key().endsWith("." + tail))) {
                    label = tail;
                    break;
                }
            }
            labels.add(label);
        }
        return labels;
    }

    /** The folder of the sweep's runs below {@code parent}; for a duplicate, its run directory. */
    public Path folder(Path parent) {
        return parent.resolve(name).toAbsolutePath().normalize();
    }

    /** The experiment directory of a point. */
    public Path directory(Path parent, Point point) {
        return isDuplicate() ? folder(parent) : folder(parent).resolve(point.name());
    }

    /**
     * The launch settings of a point: the source's, with its overrides of the swept keys and of run.experiment_dir
     * replaced by the point's values and the point's own directory (last, so they win as the engine reads them).
     */
    public TrainingRunSettings settings(TrainingRunSettings source, Path parent, Point point) {
        Set<String> replaced = new HashSet<>();
        axes.forEach(a -> replaced.add(a.key()));
        replaced.add(EXPERIMENT_DIR_KEY);
        List<ConfigOverride> overrides = new ArrayList<>();
        for (ConfigOverride override : source.overrides()) {
            if (!replaced.contains(override.key())) {
                overrides.add(override);
            }
        }
        overrides.addAll(point.assignments());
        overrides.add(new ConfigOverride(EXPERIMENT_DIR_KEY, YamlWriter.scalar(directory(parent, point).toString())));
        return source.withOverrides(overrides);
    }

    /**
     * Why the sweep cannot be made below {@code parent} from a config of this text, or null: a key that is not in the
     * config's schema (with the engine's suggestion, as {@code --set} reports it), or a folder that already exists.
     */
    public String problem(String configText, Path parent) {
        YamlNode tree;
        try {
            tree = YamlParser.parse(configText);
        } catch (YamlSyntaxException e) {
            return "The run's config has a YAML error at line " + e.range().line() + ": " + e.reason();
        }
        for (Point point : points()) {
            try {
                ConfigOverrides.apply(tree, point.assignments().stream().map(ConfigOverride::toString).toList());
            } catch (ConfigOverrides.InvalidOverrideException e) {
                return e.getMessage();
            }
        }
        if (Files.exists(folder(parent))) {
            return folder(parent) + " already exists: choose another name";
        }
        return null;
    }

    /** What {@value RunDirectory#SWEEP} records: the source, the swept keys with their values, and the runs. */
    public String record(Path source) {
        StringBuilder text = new StringBuilder("# A Trainbench sweep: one run per combination of the values below, each in its own folder here.\n");
        text.append("source: ").append(YamlWriter.scalar(source.toString())).append('\n');
        text.append("keys:\n");
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        axes.forEach(a -> byKey.put(a.key(), a.values()));
        byKey.forEach((key, values) -> text.append("  ").append(key).append(": [").append(String.join(", ", values)).append("]\n"));
        text.append("runs:\n");
        for (Point point : points()) {
            text.append("  - ").append(YamlWriter.scalar(point.name())).append('\n');
        }
        return text.toString();
    }
}
