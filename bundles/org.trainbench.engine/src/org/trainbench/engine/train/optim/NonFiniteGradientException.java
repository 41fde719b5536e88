package org.trainbench.engine.train.optim;

/** The gradients hold NaN or infinity: the update is refused so that the weights stay usable. */
public final class NonFiniteGradientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final double gradientNorm;
    private final String tensorName;

    public NonFiniteGradientException(double gradientNorm, String tensorName) {
        super("gradient norm is " + gradientNorm + " (first non-finite gradient in parameter " + tensorName
                + "); the update was skipped. Lower optimizer.learning_rate.base or check the data for empty loss masks");
        this.gradientNorm = gradientNorm;
        this.tensorName = tensorName;
    }

    public double gradientNorm() {
        return gradientNorm;
    }

    public String tensorName() {
        return tensorName;
    }
}
