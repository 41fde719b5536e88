package org.trainbench.engine.prepare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.trainbench.engine.data.DatasetConfigFile;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.data.MemmapDatasetWriter;
import org.trainbench.engine.data.TokenDataType;
import org.trainbench.engine.files.ProtectedFilesException;
import org.trainbench.engine.tokenizer.PretrainedTokenizer;

/**
 * {@code trainbench prepare}: tokenizes a dataset into Fast-LLM memmap datasets, one per split, with a
 * {@code fast_llm_config_<split>.yaml} for each (or one {@code fast_llm_config.yaml} without splits).
 * <ol>
 * <li>Counts the records (a cheap first pass), so splits get exact sizes and progress has an ETA.</li>
 * <li>Draws a permutation of the records from the seed: the first share of it is the first split, and so on; inside
 * a split, documents are listed in permutation order (the index is reordered at commit; tokens are not moved).</li>
 * <li>Streams the records in batches, tokenizing each batch on {@code tokenize_workers} threads: memory holds one
 * batch plus about 30 bytes per record for the permutation and index.</li>
 * <li>Writes everything into {@code <output_path>.partial} and renames it to {@code output_path} only when complete.</li>
 * </ol>
 * An existing output is replaced only with {@code --overwrite}, and only when a previous preparation wrote it and
 * nothing was added since ({@link PreparedOutput}); an output_path that holds the config or an input is refused.
 */
public final class DatasetPreparation {
    private static final int BATCH = 256;

    /**
     * What was written: per split, documents and tokens; {@code warnings} name what is written but likely not meant
     * (an input file without records, a dataset without documents).
     */
    public record Summary(Path outputPath, Map<String, long[]> splits, long records, long skipped, List<String> skippedReasons,
            List<String> warnings) {
    }

    private final PreparationSettings settings;
    private final boolean skipInvalid;
    private final boolean overwrite;
    private final PrintStream progressOut;

    public DatasetPreparation(PreparationSettings settings, boolean skipInvalid, boolean overwrite, PrintStream progressOut) {
        this.settings = settings;
        this.skipInvalid = skipInvalid;
        this.overwrite = overwrite;
        this.progressOut = progressOut;
    }

    public Summary run() throws IOException {
        Path output = settings.outputPath().toAbsolutePath().normalize();
        PreparedOutput.checkNotHoldingInputs(settings, output);
        if (Files.exists(output) && !isEmptyDirectory(output)) {
            if (!overwrite) {
                throw new ProtectedFilesException("output_path " + output + " already exists and is not empty; remove it, "
                        + "choose another output_path, or pass --overwrite");
            }
            PreparedOutput.checkReplaceable(output, "output_path", "choose another output_path");
        }
        PretrainedTokenizer tokenizer = loadTokenizer();
        DocumentTokenization tokenization = new DocumentTokenization(tokenizer, settings.field(), settings.lossMaskingSpans());
        TokenDataType dataType = TokenDataType.forVocabularySize(tokenizer.tokenizer().vocabularySize());

        List<Path> files = InputRecords.files(settings.datasetPath(), settings.split());
        long[] perFile = InputRecords.countPerFile(files);
        long counted = Arrays.stream(perFile).sum();
        List<String> warnings = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            if (perFile[f] == 0) {
                warnings.add(files.get(f) + " holds no records (the file is empty or has only blank lines)");
            }
        }
        if (counted > Integer.MAX_VALUE - 8) {
            throw new PreparationException("the dataset has " + counted + " records; one preparation handles at most "
                    + (Integer.MAX_VALUE - 8) + ": split the input");
        }
        int total = (int) counted;
        Map<String, Double> ratios = settings.splits().isEmpty() ? Map.of("", 1.0) : settings.splits();
        List<String> names = new ArrayList<>(ratios.keySet());
        int[] sizes = splitSizes(ratios.values().stream().mapToDouble(Double::doubleValue).toArray(), total);
        int[] splitStart = new int[names.size() + 1];
        for (int s = 0; s < names.size(); s++) {
            splitStart[s + 1] = splitStart[s] + sizes[s];
        }
        int[] permutation = permutation(total, settings.seed());
        int[] positionOf = new int[total];
        for (int position = 0; position < total; position++) {
            positionOf[permutation[position]] = position;
        }
        int[] writerRank = new int[total];

        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        PreparedOutput.deleteLeftover(partial, warnings::add);
        PreparedOutput.createWorkFolder(partial);
        List<MemmapDatasetWriter> writers = new ArrayList<>();
        // Always with spans: a conversation yields spans whatever the config says, and zero spans are valid.
        boolean withSpans = true;
        ExecutorService pool = settings.tokenizeWorkers() > 1 ? Executors.newFixedThreadPool(settings.tokenizeWorkers(),
                r -> {
                    Thread t = new Thread(r, "prepare-tokenize");
                    t.setDaemon(true);
                    return t;
                }) : null;
        ProgressLine progress = new ProgressLine(progressOut, total);
        long skipped = 0;
        List<String> skippedReasons = new ArrayList<>();
        long tokens = 0;
        try {
            for (String name : names) {
                writers.add(MemmapDatasetWriter.create(partial.resolve(name.isEmpty() ? "dataset" : name), dataType, withSpans));
            }
            try (InputRecords records = new InputRecords(files, columnsUsed())) {
                int index = 0;
                while (true) {
                    List<InputRecords.InputRecord> batch = new ArrayList<>(BATCH);
                    InputRecords.InputRecord record;
                    while (batch.size() < BATCH && (record = records.next()) != null) {
                        batch.add(record);
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    if (index + batch.size() > total) {
                        throw new PreparationException("the input changed while it was read: more records than the "
                                + total + " counted");
                    }
                    List<DocumentTokenization.Result> results = tokenizeBatch(batch, tokenization, pool);
                    for (int k = 0; k < batch.size(); k++, index++) {
                        DocumentTokenization.Result result = results.get(k);
                        if (result.problem() != null) {
                            String message = batch.get(k).where() + ": " + result.problem();
                            if (!skipInvalid) {
                                throw new PreparationException(message + " (pass --skip-invalid to skip and count such records)");
                            }
                            skipped++;
                            if (skippedReasons.size() < 10) {
                                skippedReasons.add(message);
                            }
                            writerRank[index] = -1;
                            continue;
                        }
                        int split = splitOf(positionOf[index], splitStart);
                        MemmapDatasetWriter writer = writers.get(split);
                        writerRank[index] = writer.documentCount();
                        writer.add(result.tokens(), result.spans());
                        tokens += result.tokens().length;
                    }
                    progress.update(index, tokens);
                }
                if (index != total) {
                    throw new PreparationException("the input changed while it was read: " + index + " records read, "
                            + total + " counted");
                }
            }
            progress.finish(total, tokens);
            Map<String, long[]> summary = new LinkedHashMap<>();
            for (int s = 0; s < names.size(); s++) {
                MemmapDatasetWriter writer = writers.get(s);
                int[] order = new int[writer.documentCount()];
                int k = 0;
                for (int position = splitStart[s]; position < splitStart[s + 1]; position++) {
                    int rank = writerRank[permutation[position]];
                    if (rank >= 0) {
                        order[k++] = rank;
                    }
                }
                MemmapDatasetWriter.Summary written = writer.commit(order);
                String name = names.get(s);
                String configName = name.isEmpty() ? "fast_llm_config.yaml" : "fast_llm_config_" + name + ".yaml";
                DatasetConfigFile.write(partial.resolve(configName), new DatasetSource.Memmap(written.prefix()));
                summary.put(name.isEmpty() ? "dataset" : name, new long[] {written.documentCount(), written.tokenCount()});
            }
            if (total - skipped == 0) {
                warnings.add("the prepared dataset holds no documents (" + (total == 0 ? "dataset.path " + settings.datasetPath()
                        + " has no records" : "all " + total + " records were invalid and skipped") + "); a training run"
                        + " cannot sample from it");
            } else {
                summary.forEach((name, counts) -> {
                    if (counts[0] == 0) {
                        warnings.add("the split '" + name + "' holds no documents");
                    }
                });
            }
            PreparedOutput.seal(partial);
            moveIntoPlace(partial, output);
            return new Summary(output, summary, total, skipped, skippedReasons, List.copyOf(warnings));
        } catch (IOException | RuntimeException | Error e) {
            // An Error too: out of memory on a huge record must not leave the work folder behind (the next run would
            // remove it, but the disk space is the user's until then).
            for (MemmapDatasetWriter writer : writers) {
                try {
                    writer.close();
                } catch (IOException ignored) {
                    // the partial directory is removed below
                }
            }
            try {
                deleteRecursively(partial);
            } catch (IOException | RuntimeException | Error cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** The record fields tokenization reads: Parquet and Arrow inputs decode only these columns. */
    private java.util.Set<String> columnsUsed() {
        java.util.Set<String> columns = new java.util.HashSet<>();
        columns.add(settings.field());
        if (settings.lossMaskingSpans() != null) {
            columns.add(settings.lossMaskingSpans());
        }
        return columns;
    }

    private PretrainedTokenizer loadTokenizer() {
        try {
            return PretrainedTokenizer.load(settings.tokenizerPath(), settings.bosToken());
        } catch (NoSuchFileException e) {
            throw new PreparationException("tokenizer.path " + settings.tokenizerPath() + ": " + e.getFile() + " "
                    + (e.getReason() == null ? "not found" : e.getReason()));
        } catch (IOException e) {
            throw new PreparationException("tokenizer.path " + settings.tokenizerPath() + ": " + e.getMessage());
        }
    }

    private static List<DocumentTokenization.Result> tokenizeBatch(List<InputRecords.InputRecord> batch,
            DocumentTokenization tokenization, ExecutorService pool) throws IOException {
        if (pool == null) {
            List<DocumentTokenization.Result> results = new ArrayList<>(batch.size());
            for (InputRecords.InputRecord record : batch) {
                results.add(tokenizeOne(record, tokenization));
            }
            return results;
        }
        List<Future<DocumentTokenization.Result>> futures = new ArrayList<>(batch.size());
        for (InputRecords.InputRecord record : batch) {
            futures.add(pool.submit(() -> tokenizeOne(record, tokenization)));
        }
        List<DocumentTokenization.Result> results = new ArrayList<>(batch.size());
        for (Future<DocumentTokenization.Result> future : futures) {
            try {
                results.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while tokenizing", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IOException(e.getCause());
            }
        }
        return results;
    }

    private static DocumentTokenization.Result tokenizeOne(InputRecords.InputRecord record, DocumentTokenization tokenization) {
        if (record.fields() == null) {
            return DocumentTokenization.Result.invalid(record.problem());
        }
        return tokenization.tokenize(record.fields());
    }

    /**
     * Documents per split: the ratios' shares of {@code total} by largest remainder, giving every split with a
     * positive ratio at least one document when there are enough documents (a 0.2% validation split of a small
     * dataset is otherwise empty).
     */
    static int[] splitSizes(double[] ratios, int total) {
        double sum = Arrays.stream(ratios).sum();
        int[] sizes = new int[ratios.length];
        double[] remainder = new double[ratios.length];
        int assigned = 0;
        for (int s = 0; s < ratios.length; s++) {
            double exact = ratios[s] / sum * total;
            sizes[s] = (int) Math.floor(exact);
            remainder[s] = exact - sizes[s];
            assigned += sizes[s];
        }
        Integer[] byRemainder = new Integer[ratios.length];
        for (int s = 0; s < ratios.length; s++) {
            byRemainder[s] = s;
        }
        Arrays.sort(byRemainder, Comparator.comparingDouble((Integer s) -> -remainder[s]).thenComparingInt(s -> s));
        for (int k = 0; assigned < total; k = (k + 1) % ratios.length) {
            sizes[byRemainder[k]]++;
            assigned++;
        }
        long positive = Arrays.stream(ratios).filter(r -> r > 0).count();
        if (total >= positive) {
            for (int s = 0; s < ratios.length; s++) {
                if (ratios[s] > 0 && sizes[s] == 0) {
                    int largest = 0;
                    for (int k = 1; k < sizes.length; k++) {
                        if (sizes[k] > sizes[largest]) {
                            largest = k;
                        }
                    }
                    sizes[largest]--;
                    sizes[s]++;
                }
            }
        }
        return sizes;
    }

    /** A seeded Fisher-Yates permutation of 0..n-1 (SplittableRandom: the same on every JVM). */
    static int[] permutation(int n, long seed) {
        int[] permutation = new int[n];
        for (int i = 0; i < n; i++) {
            permutation[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
        return permutation;
    }

    private static int splitOf(int position, int[] splitStart) {
        for (int s = 0; s + 1 < splitStart.length; s++) {
            if (position < splitStart[s + 1]) {
                return s;
            }
        }
        return splitStart.length - 2;
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void moveIntoPlace(Path partial, Path output) throws IOException {
        Path previous = output.resolveSibling(output.getFileName() + ".previous");
        PreparedOutput.delete(previous);
        if (Files.exists(output)) {
            // Checked again: files may have been added to it while the dataset was being prepared.
            PreparedOutput.checkReplaceable(output, "output_path", "choose another output_path");
            Files.move(output, previous);
        }
        try {
            Files.move(partial, output);
        } catch (DirectoryNotEmptyException e) {
            throw new PreparationException("cannot move " + partial + " to " + output + ": " + e.getMessage());
        }
        PreparedOutput.delete(previous);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
