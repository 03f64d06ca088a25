package dev.simdnn.nn;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Maxout (Goodfellow et al. 2013): each of {@code units} outputs is the largest of {@code pieces}
 * affine functions of the input, {@code y_u = max_p (W_p·x + b_p)_u}; with two pieces it can
 * learn ReLU, leaky ReLU or |x|. Implemented as one {@link Dense} of {@code units·pieces} outputs
 * (piece-major: column {@code p·units + u}) and a max over the pieces. Backward sends each
 * {@code dy_u} to the winning piece only (the first on ties).
 */
public final class Maxout implements Layer {
    private final int in;
    private final int units;
    private final int pieces;
    private final Dense linear;
    private final RowBuffer yBuf;
    private final RowBuffer dzBuf;
    private Tensor lastZ;

    /** {@code in → units}, each the max of {@code pieces >= 1} linear pieces; weights Xavier-uniform from {@code rng}. */
    public Maxout(int in, int units, int pieces, RandomGenerator rng) {
        this(in, units, pieces, Initializer.xavierUniform(), rng);
    }

    /** As above with the weight initialiser {@code init} (biases start at zero). */
    public Maxout(int in, int units, int pieces, Initializer init, RandomGenerator rng) {
        Shapes.positive("maxout inputs", in);
        Shapes.positive("maxout units", units);
        Shapes.positive("maxout pieces", pieces);
        if ((long) units * pieces > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxout units x pieces = " + units + " x " + pieces + " = "
                    + (long) units * pieces + " linear outputs, more than " + Integer.MAX_VALUE);
        }
        this.in = in;
        this.units = units;
        this.pieces = pieces;
        this.linear = new Dense(in, Math.multiplyExact(units, pieces), Activation.IDENTITY, true, init, rng);
        this.yBuf = new RowBuffer(units);
        this.dzBuf = new RowBuffer(units * pieces);
    }

    private Maxout(Maxout shared) {
        this(shared, new Dense(shared.linear));
    }

    private Maxout(Maxout shape, Dense linear) {
        this.in = shape.in;
        this.units = shape.units;
        this.pieces = shape.pieces;
        this.linear = linear;
        this.yBuf = new RowBuffer(units);
        this.dzBuf = new RowBuffer(units * pieces);
    }

    public int units() {
        return units;
    }

    public int pieces() {
        return pieces;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, in);
        Tensor z = linear.forward(kernels, input, mode);
        Tensor y = yBuf.rows(input.rows());
        kernels.activations().maxoutForward(input.rows(), units, pieces, z.data(), z.offset(), y.data(), y.offset());
        lastZ = mode == Mode.TRAINING ? z : null;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        Shapes.checkBackward(this, lastZ, gradOutput, units);
        Tensor dz = dzBuf.rows(gradOutput.rows());
        kernels.activations().maxoutBackward(gradOutput.rows(), units, pieces, lastZ.data(), lastZ.offset(),
                gradOutput.data(), gradOutput.offset(), dz.data(), dz.offset());
        return linear.backward(kernels, dz, needInputGradient);
    }

    /** The weight {@code [units·pieces, in]} and bias, named {@code weight} and {@code bias}. */
    @Override
    public List<Parameter> parameters() {
        return linear.parameters();
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        if (inputFeatures != in) {
            throw new IllegalArgumentException(this + " expects " + in + " features, got " + inputFeatures);
        }
        return units;
    }

    /** A copy of the linear pieces, shared with nothing. */
    Maxout detachedCopy() {
        return new Maxout(this, linear.detachedCopy());
    }

    @Override
    public Layer inferenceCopy() {
        return new Maxout(this);
    }

    @Override
    public String toString() {
        return "Maxout(" + in + " -> " + units + ", " + pieces + " pieces)";
    }
}
