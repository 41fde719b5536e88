import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.json.Json;

/**
 * The measurement behind "hand-written YAML reader or SnakeYAML" (docs/ARCHITECTURE.md, BENCHMARKS.md).
 *
 *   java -cp "releng/org.trainbench.cli/target/trainbench/lib/*:SNAKEYAML.jar" tools/bench/YamlReaderBenchmark.java \
 *       MODE bundles/org.trainbench.engine.tests/resources/yaml/pyyaml-scalars.json examples/*.yaml
 *
 * MODE cold-engine | cold-snake: one parse of each config in this fresh JVM (run it several times: start-up cost);
 * MODE warm: best-of time per parse of every config with both readers, then the engine's parse + checks; and how
 * many of PyYAML's scalar cases SnakeYAML's own resolver reads differently (its typing as shipped).
 */
public class YamlReaderBenchmark {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path fixture = Path.of(args[1]);
        List<String> texts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            texts.add(Files.readString(Path.of(args[i])));
        }
        long start = System.nanoTime();
        switch (mode) {
            case "cold-engine" -> {
                for (String text : texts) {
                    YamlParser.parse(text);
                }
                System.out.printf("cold-engine: first parse of %d configs %.1f ms%n", texts.size(), (System.nanoTime() - start) / 1e6);
            }
            case "cold-snake" -> {
                for (String text : texts) {
                    snake().compose(new StringReader(text));
                }
                System.out.printf("cold-snake: first parse of %d configs %.1f ms%n", texts.size(), (System.nanoTime() - start) / 1e6);
            }
            case "warm" -> {
                int bytes = texts.stream().mapToInt(String::length).sum();
                System.out.printf("%d configs, %d characters%n", texts.size(), bytes);
                System.out.printf("engine YamlParser (tree with positions):      %8.1f us per pass%n", best(() -> {
                    for (String text : texts) {
                        YamlParser.parse(text);
                    }
                }));
                System.out.printf("SnakeYAML 2 compose (node tree with marks):   %8.1f us per pass%n", best(() -> {
                    for (String text : texts) {
                        snake().compose(new StringReader(text));
                    }
                }));
                System.out.printf("engine parse + all config checks (validate):  %8.1f us per pass%n", best(() -> {
                    for (String text : texts) {
                        ConfigChecker.check(text, Path.of("bench.yaml"));
                    }
                }));
                exactness(fixture);
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private static org.yaml.snakeyaml.Yaml snake;

    /** One SnakeYAML instance for the whole run (its set-up is not counted per parse). */
    private static org.yaml.snakeyaml.Yaml snake() {
        if (snake == null) {
            snake = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()));
        }
        return snake;
    }

    interface Work {
        void run() throws Exception;
    }

    private static double best(Work work) throws Exception {
        for (int i = 0; i < 2000; i++) {
            work.run();
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                work.run();
            }
            best = Math.min(best, (System.nanoTime() - t) / 200 / 1e3);
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    private static void exactness(Path fixture) throws Exception {
        Map<String, Object> cases = (Map<String, Object>) Json.parse(Files.readString(fixture));
        int total = 0;
        int engineDiffers = 0;
        List<String> snakeDiffers = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) cases.get("plain")) {
            String text = (String) c.get("text");
            String type = ((String) c.get("type")).startsWith("date") ? "timestamp" : (String) c.get("type");
            if (type.equals("error")) {
                continue;
            }
            total++;
            String doc = "key: " + text + "\n";
            ScalarNode ours = (ScalarNode) ((MappingNode) YamlParser.parse(doc)).get("key").orElseThrow();
            if (!typeName(ours.value(), ours.kind() == ScalarNode.Kind.TIMESTAMP).equals(type)) {
                engineDiffers++;
            }
            Object theirs;
            try {
                theirs = ((Map<String, Object>) snake().load(doc)).get("key");
            } catch (RuntimeException e) {
                snakeDiffers.add(text + " (error)");
                continue;
            }
            if (!typeName(theirs, theirs instanceof java.util.Date).equals(type)) {
                snakeDiffers.add(text + " -> " + typeName(theirs, false) + " " + theirs);
            }
        }
        System.out.printf("PyYAML scalar cases: %d; engine types %d differently; SnakeYAML's resolver %d: %s%n", total,
                engineDiffers, snakeDiffers.size(), snakeDiffers);
    }

    private static String typeName(Object value, boolean timestamp) {
        if (timestamp) {
            return "timestamp";
        }
        return switch (value) {
            case null -> "null";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Integer i -> "int";
            case java.math.BigInteger i -> "int";
            case Double d -> "float";
            case String s -> "str";
            default -> value.getClass().getSimpleName();
        };
    }
}
