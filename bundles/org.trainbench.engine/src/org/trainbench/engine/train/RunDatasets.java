package org.trainbench.engine.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.data.DocumentDataset;
import org.trainbench.engine.data.VocabularyCheckedDataset;
import org.trainbench.engine.train.sampling.BlendedSampler;
import org.trainbench.engine.train.sampling.DocumentPacker;
import org.trainbench.engine.train.sampling.SequenceSampler;

/** The samplers over a run's datasets ({@code data.datasets}); closes every dataset it opened. */
final class RunDatasets implements AutoCloseable {
    private final TrainingPlan plan;
    private final List<DocumentDataset> open = new ArrayList<>();

    RunDatasets(TrainingPlan plan) {
        this.plan = plan;
    }

    /** A sampler over the dataset of this name; a blend's components get seeds {@code seed + 1}, {@code seed + 2}... */
    SequenceSampler sampler(String datasetName, long seed) throws IOException {
        DatasetSource source = plan.datasets().get(datasetName);
        if (source == null) {
            throw new IllegalArgumentException("data.datasets." + datasetName + ": not defined");
        }
        return sampler(source, seed);
    }

    private SequenceSampler sampler(DatasetSource source, long seed) throws IOException {
        if (source instanceof DatasetSource.Blended blended) {
            List<SequenceSampler> components = new ArrayList<>();
            for (int i = 0; i < blended.datasets().size(); i++) {
                components.add(sampler(blended.datasets().get(i), seed + 1 + i));
            }
            return new BlendedSampler(components, blended.weights());
        }
        DocumentDataset dataset = VocabularyCheckedDataset.of(source, source.open(), plan.architecture().vocabSize());
        open.add(dataset);
        return new DocumentPacker(dataset, plan.sequenceLength(), plan.truncateDocuments(), seed, plan.shuffling());
    }

    @Override
    public void close() {
        for (DocumentDataset dataset : open) {
            dataset.close();
        }
        open.clear();
    }
}
