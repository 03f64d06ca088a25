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
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer with its activation fused in: {@code y = act(x·Wᵀ + b)}.
 *
 * <p>The weight is stored {@code [out, in]} (PyTorch's layout, the course's {@code h = σ(W·x + b)}
 * for one sample). Backward, for {@code dz = dy ⊙ act'(z)}: {@code dW += dzᵀ·x},
 * {@code db += Σ_rows dz}, {@code dx = dz·W}. Forward in training mode keeps the pre-activation
 * {@code z}; inference mode skips it.
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final Activation activation;
    private final Parameter weight;
    private final Parameter bias;

    private final RowBuffer yBuf;
    private final RowBuffer zBuf;
    private final RowBuffer dzBuf;
    private final RowBuffer dxBuf;

    private Tensor lastInput;
    private Tensor lastZ;
    private Tensor lastY;

    /**
     * A dense layer {@code in → out}, weights from {@code init} (fan-in {@code in}, fan-out
     * {@code out}) drawn from {@code rng}, bias zero when {@code hasBias}.
     */
    public Dense(int in, int out, Activation activation, boolean hasBias, Initializer init, RandomGenerator rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("a dense layer needs in >= 1 and out >= 1, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        this.activation = Objects.requireNonNull(activation, "activation");
        this.weight = new Parameter("weight", Tensor.zeros(out, in), true);
        Objects.requireNonNull(init, "init").initialize(weight.value(), in, out, Objects.requireNonNull(rng, "rng"));
        this.bias = hasBias ? new Parameter("bias", Tensor.zeros(out)) : null;
        this.yBuf = new RowBuffer(out);
        this.zBuf = new RowBuffer(out);
        this.dzBuf = new RowBuffer(out);
        this.dxBuf = new RowBuffer(in);
    }

    /**
     * A layer that shares {@code shared}'s parameters (the same tensors, read by both) but has its
     * own buffers: what an inference session runs, one per thread.
     */
    Dense(Dense shared) {
        this.in = shared.in;
        this.out = shared.out;
        this.activation = shared.activation;
        this.weight = shared.weight;
        this.bias = shared.bias;
        this.yBuf = new RowBuffer(out);
        this.zBuf = new RowBuffer(out);
        this.dzBuf = new RowBuffer(out);
        this.dxBuf = new RowBuffer(in);
    }

    @Override
    public Layer inferenceCopy() {
        return new Dense(this);
    }

    /** A dense layer of its own: the same function, with copies of the weights and bias (nothing shared). */
    Dense detachedCopy() {
        Dense d = new Dense(in, out, activation, bias != null, Initializer.zeros(), new java.util.SplittableRandom(0));
        d.weight.value().copyFrom(weight.value().toArray());
        if (bias != null) {
            d.bias.value().copyFrom(bias.value().toArray());
        }
        return d;
    }

    /** A dense layer with bias and the default initialiser for its activation. */
    public Dense(int in, int out, Activation activation, RandomGenerator rng) {
        this(in, out, activation, true, Initializer.defaultFor(activation), rng);
    }

    public int inputFeatures() {
        return in;
    }

    public int outputFeatures() {
        return out;
    }

    public Activation activation() {
        return activation;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or {@code null} for a layer without bias. */
    public Parameter bias() {
        return bias;
    }

    /** The weights, row-major {@code [out, in]}, as a new array. */
    public float[] weights() {
        return weight.value().toArray();
    }

    /** Replaces the weights with {@code w}, row-major {@code [out, in]} (copied). */
    public void setWeights(float[] w) {
        weight.value().copyFrom(w);
    }

    /** The bias, as a new array ({@code out} values). */
    public float[] biases() {
        requireBias();
        return bias.value().toArray();
    }

    /** Replaces the bias with {@code b} ({@code out} values, copied). */
    public void setBiases(float[] b) {
        requireBias();
        bias.value().copyFrom(b);
    }

    private void requireBias() {
        if (bias == null) {
            throw new IllegalStateException("this dense layer was built without a bias");
        }
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        if (input.rank() != 2 || input.cols() != in) {
            throw new IllegalArgumentException("dense layer expects input [batch, " + in + "] but got " + input.shape());
        }
        int rows = input.rows();
        Tensor y = yBuf.rows(rows);
        boolean keepZ = mode == Mode.TRAINING && activation.kind() != Activation.Kind.IDENTITY;
        Tensor z = keepZ ? zBuf.rows(rows) : null;
        kernels.blas().denseForward(rows, in, out,
                input.data(), input.offset(), weight.value().data(), weight.value().offset(),
                bias == null ? null : bias.value().data(), bias == null ? 0 : bias.value().offset(),
                activation,
                z == null ? null : z.data(), z == null ? 0 : z.offset(),
                y.data(), y.offset());
        if (mode == Mode.TRAINING) {
            lastInput = input;
            lastZ = activation.kind() == Activation.Kind.IDENTITY ? y : z;
            lastY = y;
        } else {
            lastInput = null;
        }
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (lastInput == null) {
            throw new IllegalStateException("backward needs a forward in training mode first");
        }
        int rows = lastInput.rows();
        if (gradOutput.rank() != 2 || gradOutput.rows() != rows || gradOutput.cols() != out) {
            throw new IllegalArgumentException("dense layer backward expects gradient [" + rows + ", " + out
                    + "] but got " + gradOutput.shape());
        }
        Tensor dz = activation.kind() == Activation.Kind.IDENTITY ? gradOutput : dzBuf.rows(rows);
        kernels.activations().activationBackward(activation, rows, out,
                lastZ.data(), lastZ.offset(), lastY.data(), lastY.offset(),
                gradOutput.data(), gradOutput.offset(), dz.data(), dz.offset(),
                bias == null ? null : bias.grad().data(), bias == null ? 0 : bias.grad().offset());
        // dW += dzᵀ·x : [out, rows]·[rows, in]; dW = dzᵀ·x straight after zeroGrad (no fill, no read)
        float beta = weight.accumulationBeta();
        Tensor dW = weight.grad();
        kernels.blas().gemm(true, false, out, in, rows, 1f, dz.data(), dz.offset(), out,
                lastInput.data(), lastInput.offset(), in, beta, dW.data(), dW.offset(), in);
        if (!needInputGradient) {
            return null;
        }
        // dx = dz·W : [rows, out]·[out, in]
        Tensor dx = dxBuf.rows(rows);
        Tensor w = weight.value();
        kernels.blas().gemm(false, false, rows, in, out, 1f, dz.data(), dz.offset(), out,
                w.data(), w.offset(), in, 0f, dx.data(), dx.offset(), in);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** {@code Linear}, and its activation when that is not the identity. */
    @Override
    public int torchModules() {
        return activation == Activation.IDENTITY ? 1 : 2;
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        if (inputFeatures != in) {
            throw new IllegalArgumentException("dense layer expects " + in + " input features, got " + inputFeatures);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Dense(" + in + " -> " + out + ", " + activation + (bias == null ? ", no bias" : "") + ")";
    }
}
