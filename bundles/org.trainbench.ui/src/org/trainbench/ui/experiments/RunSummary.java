package org.trainbench.ui.experiments;

import java.util.Map;

/**
 * The numbers the Compare view puts side by side for a run.
 *
 * @param steps                last step logged
 * @param tokens               tokens trained on
 * @param finalTrainLoss       training loss of the last log interval
 * @param validationName       the evaluator the validation columns are about (the first one the run logged), or null
 * @param finalValidationLoss  its last loss
 * @param bestValidationLoss   its lowest loss
 * @param bestValidationStep   the step of the lowest loss, -1 if none
 * @param meanTokensPerSecond  mean of the logged throughputs, weighted by the steps each interval covers
 * @param elapsedSeconds       training time so far
 * @param testLoss             the last test-set loss, NaN if the run has none
 */
public record RunSummary(String run, long steps, long tokens, double finalTrainLoss, String validationName, double finalValidationLoss,
        double bestValidationLoss, long bestValidationStep, double meanTokensPerSecond, double elapsedSeconds, double testLoss) {

    public static RunSummary of(String run, RunMetrics metrics) {
        Series train = metrics.train();
        double throughputSum = 0;
        double stepsSum = 0;
        double previousStep = 0;
        for (int i = 0; i < train.count(); i++) {
            double step = train.value(Metric.STEP, i);
            double tps = train.value(Metric.TOKENS_PER_SECOND, i);
            double covered = Math.max(1, step - previousStep);
            previousStep = step;
            if (Double.isFinite(tps)) {
                throughputSum += tps * covered;
                stepsSum += covered;
            }
        }
        String validationName = null;
        Series validation = Series.EMPTY;
        double testLoss = Double.NaN;
        for (Map.Entry<String, Series> e : metrics.evaluations().entrySet()) {
            if (e.getKey().equals("test")) {
                testLoss = e.getValue().last(Metric.LOSS);
            } else if (validationName == null) {
                validationName = e.getKey();
                validation = e.getValue();
            }
        }
        double best = Double.NaN;
        long bestStep = -1;
        for (int i = 0; i < validation.count(); i++) {
            double loss = validation.value(Metric.LOSS, i);
            if (Double.isFinite(loss) && !(loss >= best)) {
                best = loss;
                bestStep = (long) validation.value(Metric.STEP, i);
            }
        }
        return new RunSummary(run, (long) orZero(train.last(Metric.STEP)), (long) orZero(train.last(Metric.TOKENS)), train.last(Metric.LOSS),
                validationName, validation.last(Metric.LOSS), best, bestStep, stepsSum == 0 ? Double.NaN : throughputSum / stepsSum,
                train.last(Metric.ELAPSED_SECONDS), testLoss);
    }

    private static double orZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }
}
