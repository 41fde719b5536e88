package org.trainbench.engine.train.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws samples from several samplers in proportion to weights, deterministically: sample k goes to the component
 * furthest behind its share, i.e. with the largest {@code weight_i * (k + 1) - taken_i} (ties to the first), so after
 * any number of samples each component is within one sample of its exact share. This is how Fast-LLM's blended
 * dataset assigns samples, without randomness to seed.
 */
public final class BlendedSampler implements SequenceSampler {
    private final List<SequenceSampler> components;
    private final double[] weights;
    private final long[] taken;
    private long samplesProduced;

    public BlendedSampler(List<SequenceSampler> components, List<Double> weights) {
        if (components.isEmpty() || components.size() != weights.size()) {
            throw new IllegalArgumentException("a blend needs as many weights as datasets, got " + components.size() + " datasets and "
                    + weights.size() + " weights");
        }
        this.components = List.copyOf(components);
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("blend weights must be >= 0, got " + weights);
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("blend weights must not all be 0, got " + weights);
        }
        this.weights = new double[weights.size()];
        for (int i = 0; i < weights.size(); i++) {
            this.weights[i] = weights.get(i) / total;
        }
        this.taken = new long[components.size()];
    }

    @Override
    public PackedSequence next() {
        int best = 0;
        double bestDeficit = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < weights.length; i++) {
            double deficit = weights[i] * (samplesProduced + 1) - taken[i];
            if (weights[i] > 0 && deficit > bestDeficit) {
                bestDeficit = deficit;
                best = i;
            }
        }
        taken[best]++;
        samplesProduced++;
        return components.get(best).next();
    }

    @Override
    public long samplesProduced() {
        return samplesProduced;
    }

    /** {samples produced, taken per component..., then each component's position prefixed by its length}. */
    @Override
    public long[] position() {
        List<Long> out = new ArrayList<>();
        out.add(samplesProduced);
        for (long t : taken) {
            out.add(t);
        }
        for (SequenceSampler component : components) {
            long[] p = component.position();
            out.add((long) p.length);
            for (long v : p) {
                out.add(v);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public void restore(long[] position) {
        try {
            int at = 0;
            long produced = position[at++];
            long[] restoredTaken = new long[taken.length];
            for (int i = 0; i < taken.length; i++) {
                restoredTaken[i] = position[at++];
            }
            for (SequenceSampler component : components) {
                int length = (int) position[at++];
                component.restore(Arrays.copyOfRange(position, at, at + length));
                at += length;
            }
            if (at != position.length) {
                throw new IllegalArgumentException("trailing values");
            }
            samplesProduced = produced;
            System.arraycopy(restoredTaken, 0, taken, 0, taken.length);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("saved data position " + Arrays.toString(position) + " does not fit a blend of "
                    + components.size() + " datasets");
        }
    }

    @Override
    public long skippedDocuments() {
        return components.stream().mapToLong(SequenceSampler::skippedDocuments).sum();
    }

    @Override
    public String description() {
        StringBuilder text = new StringBuilder("blend of " + components.size() + " datasets:");
        for (int i = 0; i < components.size(); i++) {
            text.append(String.format(java.util.Locale.ROOT, "%n  %.3f  %s", weights[i], components.get(i).description()));
        }
        return text.toString();
    }
}
