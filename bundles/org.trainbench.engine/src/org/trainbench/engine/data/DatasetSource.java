package org.trainbench.engine.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Fast-LLM dataset config file ({@code fast_llm_config_<split>.yaml}) describes, with every path already
 * resolved against the file's directory. Read with {@link DatasetConfigFile#read}.
 * <ul>
 * <li>{@link Memmap}: {@code type: memmap, path: PREFIX} (extra keys such as {@code num_documents} are ignored)</li>
 * <li>{@link Slice}: {@code type: slice, dataset: ..., begin: 0.0, end: 0.9}, fractions of the documents</li>
 * <li>{@link Concatenated}: {@code type: concatenated, datasets: [...]}</li>
 * <li>{@link Blended}: {@code type: blended, datasets: [...], weights: [...]}, sampled by weight, so not indexed</li>
 * <li>{@link Random}: {@code type: random}, random tokens for throughput tests (a training config's dataset only)</li>
 * </ul>
 * A nested {@code type: file} is read in place.
 */
public sealed interface DatasetSource {

    /** Whether {@link #open()} can give one indexed view (everything but blends). */
    default boolean isIndexed() {
        return true;
    }

    /** Opens the documents as one indexed dataset; the caller closes it. */
    DocumentDataset open() throws IOException;

    record Memmap(Path prefix) implements DatasetSource {
        @Override
        public DocumentDataset open() throws IOException {
            return MemmapDataset.open(prefix);
        }
    }

    record Slice(DatasetSource dataset, double begin, double end) implements DatasetSource {
        @Override
        public boolean isIndexed() {
            return dataset.isIndexed();
        }

        @Override
        public DocumentDataset open() throws IOException {
            return DatasetSlice.of(dataset.open(), begin, end);
        }
    }

    record Concatenated(List<DatasetSource> datasets) implements DatasetSource {
        public Concatenated {
            datasets = List.copyOf(datasets);
        }

        @Override
        public boolean isIndexed() {
            return datasets.stream().allMatch(DatasetSource::isIndexed);
        }

        @Override
        public DocumentDataset open() throws IOException {
            List<DocumentDataset> opened = new ArrayList<>();
            try {
                for (DatasetSource source : datasets) {
                    opened.add(source.open());
                }
            } catch (IOException | RuntimeException e) {
                opened.forEach(DocumentDataset::close);
                throw e;
            }
            return new ConcatenatedDataset(opened);
        }
    }

    /**
     * Documents of random tokens below {@code vocabSize}, each {@code documentLength} long (a training sequence and its
     * last label), drawn from their index and {@code seed}.
     */
    record Random(int vocabSize, int documentLength, long seed) implements DatasetSource {
        @Override
        public DocumentDataset open() {
            return new RandomDocuments(vocabSize, documentLength, seed);
        }
    }

    /** Datasets sampled in proportion to {@code weights} (not normalized here); the trainer samples each component. */
    record Blended(List<DatasetSource> datasets, List<Double> weights) implements DatasetSource {
        public Blended {
            datasets = List.copyOf(datasets);
            weights = List.copyOf(weights);
            if (datasets.size() != weights.size()) {
                throw new IllegalArgumentException(datasets.size() + " datasets but " + weights.size() + " weights");
            }
        }

        @Override
        public boolean isIndexed() {
            return false;
        }

        @Override
        public DocumentDataset open() {
            throw new UnsupportedOperationException("a blended dataset is sampled by weight, not indexed: open each of "
                    + "its " + datasets.size() + " datasets and sample them in proportion to " + weights);
        }
    }
}
