package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/** What the regression losses (MSE, MAE, Huber) share: no notion of a correct class; targets shaped like the output. */
abstract class RegressionLoss extends BufferedLoss {

    @Override
    public final int countCorrect(Kernels kernels, Tensor output, Tensor target) {
        return -1;
    }

    @Override
    public final boolean isClassification() {
        return false;
    }

    @Override
    public final int targetFeatures(int outputFeatures) {
        return outputFeatures;
    }
}
