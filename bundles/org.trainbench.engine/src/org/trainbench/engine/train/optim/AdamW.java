package org.trainbench.engine.train.optim;

import java.util.List;

import org.trainbench.engine.tensor.Parameter;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * AdamW with global gradient-norm clipping, as Fast-LLM runs it (fast_llm/engine/optimizer/optimizer.py
 * with PyTorch's adamw): per update, with t the 1-based step,
 *
 * <pre>
 *   norm  = sqrt(sum of g^2 over all tensors)              (reported before clipping)
 *   g     = g * min(clip / (norm + 1e-6), 1)               (when clip > 0)
 *   p     = p * (1 - lr * wd)                              (wd = 0 for tensors without weight decay)
 *   m     = beta1 * m + (1 - beta1) * g
 *   v     = beta2 * v + (1 - beta2) * g^2
 *   p     = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * The moments live here, one pair of arrays per tensor, in the order of the tensor list; that
 * order and the fixed block structure of the norm make the result bit-identical from run to run.
 * Gradients are left unscaled in the parameters: the clipping factor is applied inside the update loop.
 */
public final class AdamW {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Squares are summed in float vectors over blocks of this size, blocks in double: accurate and deterministic. */
    private static final int NORM_BLOCK = 4096;
    /** Fast-LLM adds this to the norm before dividing, so a zero gradient does not divide by zero. */
    public static final double CLIP_EPSILON = 1.0e-6;

    /**
     * @param beta1                `optimizer.beta_1`
     * @param beta2                `optimizer.beta_2`
     * @param epsilon              `optimizer.epsilon`
     * @param weightDecay          `optimizer.weight_decay`
     * @param gradientNormClipping `optimizer.gradient_norm_clipping`; 0 disables clipping
     */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay, double gradientNormClipping) {
        public Settings {
            if (!(beta1 >= 0 && beta1 <= 1)) {
                throw new IllegalArgumentException("optimizer.beta_1: expected a value in [0, 1] but got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 <= 1)) {
                throw new IllegalArgumentException("optimizer.beta_2: expected a value in [0, 1] but got " + beta2);
            }
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("optimizer.epsilon: expected > 0 but got " + epsilon);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("optimizer.weight_decay: expected >= 0 but got " + weightDecay);
            }
            if (!(gradientNormClipping >= 0)) {
                throw new IllegalArgumentException("optimizer.gradient_norm_clipping: expected >= 0 but got " + gradientNormClipping);
            }
        }

        /** Fast-LLM's defaults: beta_1 0.9, beta_2 0.999, epsilon 1e-8, weight_decay 0.01, clipping 1.0. */
        public static Settings fastLlmDefaults() {
            return new Settings(0.9, 0.999, 1.0e-8, 0.01, 1.0);
        }
    }

    /** What one update did: the step it made (1-based), the rate it used and the gradient norm before clipping. */
    public record Update(long step, double learningRate, double gradientNorm) {
    }

    private final Settings settings;
    private final List<Parameter> tensors;
    private final float[][] firstMoments;
    private final float[][] secondMoments;
    private long step;

    public AdamW(Settings settings, List<Parameter> tensors) {
        this.settings = settings;
        this.tensors = List.copyOf(tensors);
        this.firstMoments = new float[this.tensors.size()][];
        this.secondMoments = new float[this.tensors.size()][];
        // the moments are allocated on first use: a run on a GPU keeps them there and needs host copies only for checkpoints
    }

    public Settings settings() {
        return settings;
    }

    public List<Parameter> tensors() {
        return tensors;
    }

    /** Number of updates made so far; the next update is step {@code step() + 1}. */
    public long step() {
        return step;
    }

    /** First moments (m) of tensor {@code index}, live: checkpoints read and restore them in place. */
    public float[] firstMoment(int index) {
        if (firstMoments[index] == null) {
            firstMoments[index] = new float[tensors.get(index).size()];
        }
        return firstMoments[index];
    }

    /** Second moments (v) of tensor {@code index}, live. */
    public float[] secondMoment(int index) {
        if (secondMoments[index] == null) {
            secondMoments[index] = new float[tensors.get(index).size()];
        }
        return secondMoments[index];
    }

    /** Restores the step counter from a checkpoint (the moments are restored through the live arrays). */
    public void restoreStep(long restoredStep) {
        if (restoredStep < 0) {
            throw new IllegalArgumentException("optimizer step must be >= 0, got " + restoredStep);
        }
        this.step = restoredStep;
    }

    /** Global L2 norm of all gradients, summed in a fixed order. */
    public double gradientNorm() {
        double sum = 0.0;
        for (Parameter tensor : tensors) {
            sum += sumOfSquares(tensor.grad());
        }
        return Math.sqrt(sum);
    }

    /**
     * The scalars of one update, as every implementation of the element update takes them (this class's loop, the GPU's
     * {@code adamw_update} kernel): computed here once, in double, and handed over as float. 1 - beta arrives computed in
     * double, since 1.0f - 0.999f would lose four digits of (1 - beta2).
     */
    public record StepScalars(double learningRate, double weightDecay, float clip, float beta1, float oneMinusBeta1, float beta2,
            float oneMinusBeta2, float stepSize, float biasCorrection2Sqrt, float epsilon) {

        /** The factor a tensor's values are multiplied by before the step: decoupled weight decay where it applies. */
        public float decayFactor(boolean decays) {
            return (float) (1.0 - learningRate * (decays ? weightDecay : 0.0));
        }
    }

    /**
     * The scalars of update number {@code step} (1-based) with this rate and the gradient norm before clipping: the
     * clipping factor (Fast-LLM's, {@link #CLIP_EPSILON} added to the norm; none when clipping is 0) and the bias
     * corrections.
     */
    public static StepScalars stepScalars(Settings settings, long step, double learningRate, double gradientNorm) {
        double clip = settings.gradientNormClipping() > 0 ? Math.min(settings.gradientNormClipping() / (gradientNorm + CLIP_EPSILON), 1.0)
                : 1.0;
        double biasCorrection1 = 1.0 - Math.pow(settings.beta1(), step);
        double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(settings.beta2(), step));
        return new StepScalars(learningRate, settings.weightDecay(), (float) clip, (float) settings.beta1(), (float) (1.0 - settings.beta1()),
                (float) settings.beta2(), (float) (1.0 - settings.beta2()), (float) (learningRate / biasCorrection1),
                (float) biasCorrection2Sqrt, (float) settings.epsilon());
    }

    /**
     * Makes one update with learning rate {@code learningRate}.
     *
     * @throws NonFiniteGradientException when the gradient norm is NaN or infinite; nothing is changed then
     */
    public Update update(double learningRate) {
        return update(learningRate, gradientNorm(), 0, flatSize());
    }

    /** Elements in the flat vector of all tensors, end to end in list order (the vector a data-parallel group partitions). */
    public long flatSize() {
        long total = 0;
        for (Parameter tensor : tensors) {
            total += tensor.size();
        }
        return total;
    }

    /**
     * The sum of squared gradients over {@code [from, to)} of the flat vector: each tensor's part in blocks as
     * {@link #gradientNorm()} sums them, in double. A data-parallel rank sums its shard; the ranks' sums added in rank
     * order give the norm, the same bits whichever ZeRO stage holds the gradients.
     */
    public double gradientSumOfSquares(long from, long to) {
        double sum = 0.0;
        long at = 0;
        for (Parameter tensor : tensors) {
            long start = Math.max(from, at);
            long end = Math.min(to, at + tensor.size());
            if (start < end) {
                sum += sumOfSquares(tensor.grad(), (int) (start - at), (int) (end - at));
            }
            at += tensor.size();
        }
        return sum;
    }

    /**
     * One update of only the elements {@code [from, to)} of the flat vector, with a gradient norm computed over every
     * element (by the data-parallel group): a ZeRO rank's shard. Each element gets exactly the value
     * {@link #update(double)} would give it with that norm; moments are allocated only for the tensors the range touches.
     *
     * @throws NonFiniteGradientException when {@code gradientNorm} is not finite; nothing is changed then
     */
    public Update update(double learningRate, double gradientNorm, long from, long to) {
        if (!Double.isFinite(gradientNorm)) {
            throw new NonFiniteGradientException(gradientNorm, firstNonFinite(from, to));
        }
        step++;
        StepScalars scalars = stepScalars(settings, step, learningRate, gradientNorm);
        long at = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Parameter tensor = tensors.get(i);
            long start = Math.max(from, at);
            long end = Math.min(to, at + tensor.size());
            if (start < end) {
                updateTensor(tensor.data(), tensor.grad(), firstMoment(i), secondMoment(i), (int) (start - at), (int) (end - at),
                        scalars.clip(), scalars.decayFactor(tensor.weightDecay()), scalars.beta1(), scalars.oneMinusBeta1(), scalars.beta2(),
                        scalars.oneMinusBeta2(), scalars.stepSize(), scalars.biasCorrection2Sqrt(), scalars.epsilon());
            }
            at += tensor.size();
        }
        return new Update(step, learningRate, gradientNorm);
    }

    private String firstNonFinite(long from, long to) {
        long at = 0;
        for (Parameter tensor : tensors) {
            float[] g = tensor.grad();
            for (long i = Math.max(from, at); i < Math.min(to, at + g.length); i++) {
                if (!Float.isFinite(g[(int) (i - at)])) {
                    return tensor.name();
                }
            }
            at += g.length;
        }
        return "(sum overflowed)";
    }

    /**
     * The update of the elements {@code [from, n)} of one tensor; the scalar tail repeats the vector body operation by
     * operation, so every element rounds alike whichever range it falls in.
     */
    static void updateTensor(float[] p, float[] g, float[] m, float[] v, int from, int n, float clip, float decayFactor, float beta1,
            float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize, float biasCorrection2Sqrt, float eps) {
        // 1 - beta arrives computed in double: 1.0f - 0.999f would lose four digits of (1 - beta2).
        int i = from;
        int bound = from + SPECIES.loopBound(n - from);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector grad = FloatVector.fromArray(SPECIES, g, i).mul(clip);
            FloatVector param = FloatVector.fromArray(SPECIES, p, i).mul(decayFactor);
            FloatVector first = FloatVector.fromArray(SPECIES, m, i).mul(beta1).add(grad.mul(oneMinusBeta1));
            FloatVector second = FloatVector.fromArray(SPECIES, v, i).mul(beta2).add(grad.mul(grad).mul(oneMinusBeta2));
            FloatVector denominator = second.lanewise(VectorOperators.SQRT).div(biasCorrection2Sqrt).add(eps);
            param = param.sub(first.mul(stepSize).div(denominator));
            first.intoArray(m, i);
            second.intoArray(v, i);
            param.intoArray(p, i);
        }
        for (; i < n; i++) {
            float grad = g[i] * clip;
            float param = p[i] * decayFactor;
            float first = m[i] * beta1 + grad * oneMinusBeta1;
            float second = v[i] * beta2 + grad * grad * oneMinusBeta2;
            float denominator = (float) Math.sqrt(second) / biasCorrection2Sqrt + eps;
            m[i] = first;
            v[i] = second;
            p[i] = param - first * stepSize / denominator;
        }
    }

    static double sumOfSquares(float[] values) {
        return sumOfSquares(values, 0, values.length);
    }

    /** The sum of squares of {@code values[from, to)}, in blocks of {@value #NORM_BLOCK} starting at {@code from}. */
    static double sumOfSquares(float[] values, int from, int to) {
        float[] lanes = new float[SPECIES.length()];
        double total = 0.0;
        for (int start = from; start < to; start += NORM_BLOCK) {
            int end = Math.min(to, start + NORM_BLOCK);
            int i = start;
            int bound = start + SPECIES.loopBound(end - start);
            FloatVector accumulator = FloatVector.zero(SPECIES);
            for (; i < bound; i += SPECIES.length()) {
                FloatVector x = FloatVector.fromArray(SPECIES, values, i);
                accumulator = x.fma(x, accumulator);
            }
            // Not reduceLanes(ADD): its order is unspecified, and HotSpot's compiled and interpreted forms round
            // differently, which would make a run's gradient norm depend on when the JIT kicks in.
            accumulator.intoArray(lanes, 0);
            double block = 0.0;
            for (float lane : lanes) {
                block += lane;
            }
            for (; i < end; i++) {
                block += (double) values[i] * values[i];
            }
            total += block;
        }
        return total;
    }
}
