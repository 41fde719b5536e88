package org.trainbench.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an engine run wrote into its metrics.jsonl, read here with plain patterns so that tests compare the views with
 * the file itself, not with the views' own reader (org.trainbench.ui.experiments).
 *
 * @param train      the {@code "type":"train"} lines in file order
 * @param validation the {@code "type":"validation"} lines of the evaluator named {@code validation}, in file order
 */
record RunMetricsFile(List<Point> train, List<Point> validation) {

    /** One logged line: its step, loss and, for train lines, learning rate (NaN otherwise). */
    record Point(long step, double loss, double learningRate) {
    }

    private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");
    private static final Pattern LOSS = Pattern.compile("\"loss\":([-+0-9.eE]+)");
    private static final Pattern LEARNING_RATE = Pattern.compile("\"lr\":([-+0-9.eE]+)");

    static RunMetricsFile read(Path experimentDir) throws IOException {
        List<Point> train = new ArrayList<>();
        List<Point> validation = new ArrayList<>();
        for (String line : Files.readAllLines(experimentDir.resolve("metrics.jsonl"))) {
            if (line.contains("\"type\":\"train\"")) {
                train.add(new Point(Long.parseLong(field(STEP, line)), Double.parseDouble(field(LOSS, line)),
                        Double.parseDouble(field(LEARNING_RATE, line))));
            } else if (line.contains("\"type\":\"validation\"") && line.contains("\"name\":\"validation\"")) {
                validation.add(new Point(Long.parseLong(field(STEP, line)), Double.parseDouble(field(LOSS, line)), Double.NaN));
            }
        }
        return new RunMetricsFile(List.copyOf(train), List.copyOf(validation));
    }

    private static String field(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + pattern + " in metrics line: " + line);
        }
        return m.group(1);
    }

    double lastTrainLoss() {
        return train.getLast().loss();
    }

    /** The loss of the train line logged at {@code step}. */
    double trainLossAt(long step) {
        return train.stream().filter(p -> p.step() == step).findFirst().orElseThrow(() -> new AssertionError("no train line at step " + step))
                .loss();
    }

    /** The validation loss logged at {@code step}. */
    double validationLossAt(long step) {
        return validation.stream().filter(p -> p.step() == step).findFirst()
                .orElseThrow(() -> new AssertionError("no validation at step " + step)).loss();
    }

    /** Bytes of the regular files under {@code dir}. */
    static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
