package org.trainbench.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.trainbench.engine.tensor.Parameter;

import org.junit.jupiter.api.Test;

class AdamWTest {

    /** A parameter with given values and gradients, readable through the names the test uses. */
    record Tensor(Parameter parameter) {
        Tensor(String name, float[] values, float[] gradients, boolean weightDecay) {
            this(new Parameter(name, new int[] {values.length}, weightDecay));
            System.arraycopy(values, 0, parameter.data(), 0, values.length);
            System.arraycopy(gradients, 0, parameter.grad(), 0, gradients.length);
        }

        float[] values() {
            return parameter.data();
        }

        float[] gradients() {
            return parameter.grad();
        }

        boolean weightDecay() {
            return parameter.weightDecay();
        }
    }

    private static List<Parameter> parameters(Tensor... tensors) {
        return java.util.Arrays.stream(tensors).map(Tensor::parameter).toList();
    }

    /** AdamW written out in double, element by element, as the reference the float/vector code is compared with. */
    private static final class ReferenceAdamW {
        final double beta1, beta2, eps, wd, clip;
        final double[][] p, m, v;
        final boolean[] decays;
        int step;

        ReferenceAdamW(AdamW.Settings s, List<Tensor> tensors) {
            beta1 = s.beta1();
            beta2 = s.beta2();
            eps = s.epsilon();
            wd = s.weightDecay();
            clip = s.gradientNormClipping();
            p = new double[tensors.size()][];
            m = new double[tensors.size()][];
            v = new double[tensors.size()][];
            decays = new boolean[tensors.size()];
            for (int t = 0; t < tensors.size(); t++) {
                float[] values = tensors.get(t).values();
                p[t] = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    p[t][i] = values[i];
                }
                m[t] = new double[values.length];
                v[t] = new double[values.length];
                decays[t] = tensors.get(t).weightDecay();
            }
        }

        double step(double lr, float[][] grads) {
            double sq = 0;
            for (float[] g : grads) {
                for (float x : g) {
                    sq += (double) x * x;
                }
            }
            double norm = Math.sqrt(sq);
            double scale = clip > 0 ? Math.min(1.0, clip / (norm + 1e-6)) : 1.0;
            step++;
            for (int t = 0; t < p.length; t++) {
                for (int i = 0; i < p[t].length; i++) {
                    double g = grads[t][i] * scale;
                    p[t][i] *= 1 - lr * (decays[t] ? wd : 0);
                    m[t][i] = beta1 * m[t][i] + (1 - beta1) * g;
                    v[t][i] = beta2 * v[t][i] + (1 - beta2) * g * g;
                    double mHat = m[t][i] / (1 - Math.pow(beta1, step));
                    double vHat = v[t][i] / (1 - Math.pow(beta2, step));
                    p[t][i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
            return norm;
        }
    }

    @Test
    void firstStepMovesEachWeightByAboutTheLearningRateAgainstTheGradientSign() {
        Tensor w = new Tensor("w", new float[] {1.0f, -2.0f, 0.5f}, new float[] {0.1f, -0.2f, 0.3f}, true);
        AdamW adam = new AdamW(new AdamW.Settings(0.9, 0.999, 1e-8, 0.0, 0.0), parameters(w));
        AdamW.Update update = adam.update(0.01);
        // With bias correction, m_hat = g and v_hat = g^2 after one step: the move is lr * g / (|g| + eps).
        assertEquals(1.0 - 0.01, w.values()[0], 1e-6);
        assertEquals(-2.0 + 0.01, w.values()[1], 1e-6);
        assertEquals(0.5 - 0.01, w.values()[2], 1e-6);
        assertEquals(1L, update.step());
        assertEquals(Math.sqrt(0.01 + 0.04 + 0.09), update.gradientNorm(), 1e-7);
    }

    @Test
    void weightDecayShrinksOnlyTensorsThatDecay() {
        Tensor decayed = new Tensor("w", new float[] {2.0f}, new float[] {0.0f}, true);
        Tensor norm = new Tensor("norm", new float[] {2.0f}, new float[] {0.0f}, false);
        AdamW adam = new AdamW(new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 1.0), parameters(decayed, norm));
        adam.update(0.5);
        // Zero gradient: only the decoupled decay acts, p * (1 - lr * wd) = 2 * 0.95.
        assertEquals(1.9f, decayed.values()[0], 1e-7f);
        assertEquals(2.0f, norm.values()[0], 0.0f);
    }

    @Test
    void gradientsAboveTheClippingNormAreScaledToIt() {
        // Norm 5 clipped to 1: the moments see g / 5 (up to the 1e-6 guard), the reported norm stays 5.
        Tensor w = new Tensor("w", new float[] {0.0f, 0.0f}, new float[] {3.0f, 4.0f}, false);
        AdamW adam = new AdamW(new AdamW.Settings(0.9, 0.999, 1e-8, 0.0, 1.0), parameters(w));
        AdamW.Update update = adam.update(1e-3);
        assertEquals(5.0, update.gradientNorm(), 1e-12);
        assertEquals(0.1f * 3.0f / 5.0f, adam.firstMoment(0)[0], 1e-7f);
        assertEquals(0.1f * 4.0f / 5.0f, adam.firstMoment(0)[1], 1e-7f);
        assertEquals(0.001f * 16.0f / 25.0f, adam.secondMoment(0)[1], 1e-9f);
        assertArrayEquals(new float[] {3.0f, 4.0f}, w.gradients(), "gradients in the model are not modified by clipping");
    }

    @Test
    void severalStepsMatchAnIndependentDoublePrecisionAdamW() {
        AdamW.Settings settings = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 1.0);
        // Lengths that exercise both the vector body and the scalar tail.
        Tensor a = tensor("a", 70, 0.3f, true);
        Tensor b = tensor("b", 5, -0.7f, false);
        ReferenceAdamW reference = new ReferenceAdamW(settings, List.of(a, b));
        AdamW adam = new AdamW(settings, parameters(a, b));
        double[] rates = {1e-2, 5e-3, 2e-3, 1e-3};
        for (int s = 0; s < rates.length; s++) {
            fillGradients(a, s, 0.9f);
            fillGradients(b, s, 0.05f);
            double expectedNorm = reference.step(rates[s], new float[][] {a.gradients(), b.gradients()});
            AdamW.Update update = adam.update(rates[s]);
            // Squares are summed in float lanes within blocks: a few ulps of float, far from the double reference otherwise.
            assertEquals(expectedNorm, update.gradientNorm(), 1e-6 * expectedNorm);
        }
        for (int i = 0; i < a.values().length; i++) {
            assertEquals(reference.p[0][i], a.values()[i], 2e-6, "a[" + i + "]");
        }
        for (int i = 0; i < b.values().length; i++) {
            assertEquals(reference.p[1][i], b.values()[i], 2e-6, "b[" + i + "]");
        }
        assertEquals(4L, adam.step());
    }

    @Test
    void vectorBodyAndScalarTailRoundIdentically() {
        int n = 67;
        Tensor w = new Tensor("w", filled(n, 0.123f), filled(n, -0.0456f), true);
        AdamW adam = new AdamW(new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 0.0), parameters(w));
        for (int s = 0; s < 3; s++) {
            adam.update(3e-3);
        }
        for (int i = 1; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(w.values()[0]), Float.floatToRawIntBits(w.values()[i]), "element " + i);
        }
    }

    @Test
    void nonFiniteGradientsAreRefusedWithoutTouchingTheWeights() {
        Tensor w = new Tensor("layers.0.mlp.weight", new float[] {1.0f, 2.0f}, new float[] {Float.NaN, 0.0f}, true);
        AdamW adam = new AdamW(AdamW.Settings.fastLlmDefaults(), parameters(w));
        NonFiniteGradientException error = assertThrows(NonFiniteGradientException.class, () -> adam.update(1e-3));
        assertTrue(error.getMessage().contains("layers.0.mlp.weight"), error.getMessage());
        assertArrayEquals(new float[] {1.0f, 2.0f}, w.values());
        assertEquals(0L, adam.step());
    }

    @Test
    void settingsOutOfRangeNameTheirKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new AdamW.Settings(1.5, 0.95, 1e-8, 0.1, 1.0));
        assertTrue(error.getMessage().startsWith("optimizer.beta_1"), error.getMessage());
    }

    private static Tensor tensor(String name, int n, float start, boolean decay) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + 0.01f * i * (i % 2 == 0 ? 1 : -1);
        }
        return new Tensor(name, values, new float[n], decay);
    }

    private static void fillGradients(Tensor tensor, int step, float amplitude) {
        float[] g = tensor.gradients();
        for (int i = 0; i < g.length; i++) {
            g[i] = amplitude * (float) Math.sin(0.37 * i + 1.3 * step + 0.1);
        }
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
