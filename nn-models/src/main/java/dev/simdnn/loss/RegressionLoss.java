package dev.simdnn.loss;

/** What the regression losses (MSE, MAE, Huber) share: no notion of a correct class; targets shaped like the output. */
abstract class RegressionLoss extends BufferedLoss {

    @Override
    public final Task task() {
        return Task.REGRESSION;
    }

    @Override
    public final int targetFeatures(int outputFeatures) {
        return outputFeatures;
    }
}
