package dev.simdnn.nn;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A 2-D convolution as PyTorch's {@code Conv2d}: {@code out} channels from {@code C} input
 * channels, any kernel, stride, zero padding and dilation; weight {@code [out, C, kh, kw]}
 * (named {@code weight}), optional {@code bias [out]}. For one channel and one output map it is
 * the course's {@code Z[i, j] = Σ_m Σ_n X[i+m, j+n]·K[m, n]} (a cross-correlation, as in every
 * framework).
 *
 * <p>Computed as one GEMM per batch: {@code im2row} lays each output pixel's receptive field out as
 * a row, {@code rows · Wᵀ + b} is the dense layer's product ({@code Blas.denseForward}), and the
 * result, pixels by channels, is turned into NCHW. Backward: {@code dW += dZᵀ·rows}, {@code db +=}
 * the column sums, {@code dx = row2im(dZ·W)}.
 */
public final class Conv2d implements ImageLayer {
    private final Window2d window;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private final RowBuffer rowsBuf;
    private final RowBuffer zBuf;
    private final RowBuffer yBuf;
    private final RowBuffer dzBuf;
    private final RowBuffer dRowsBuf;
    private final RowBuffer dxBuf;
    private Tensor lastRows;
    private int lastImages;

    /** Weights from {@code init} (fan-in {@code C·kh·kw}, fan-out {@code out·kh·kw}) drawn from {@code rng}; bias zero. */
    public Conv2d(Window2d window, int out, boolean hasBias, Initializer init, RandomGenerator rng) {
        this(Objects.requireNonNull(window, "window"), positive(out),
                new Parameter("weight", Tensor.zeros(out, window.channels(), window.kh(), window.kw()), true),
                hasBias ? new Parameter("bias", Tensor.zeros(out)) : null);
        Objects.requireNonNull(init, "init").initialize(weight.value(), window.patch(), out * window.kh() * window.kw(),
                Objects.requireNonNull(rng, "rng"));
    }

    /** A square kernel {@code k}, stride {@code stride}, padding {@code pad}, with bias, He (Kaiming) uniform weights. */
    public Conv2d(ImageShape in, int out, int k, int stride, int pad, RandomGenerator rng) {
        this(Window2d.square(in.channels(), in.height(), in.width(), k, stride, pad), out, true, Initializer.defaultFor(Activation.RELU), rng);
    }

    private static int positive(int out) {
        Shapes.positive("conv2d output channels", out);
        return out;
    }

    private Conv2d(Window2d window, int out, Parameter weight, Parameter bias) {
        this.window = window;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
        int patch = window.patch();
        this.rowsBuf = new RowBuffer(patch);
        this.zBuf = new RowBuffer(out);
        this.yBuf = new RowBuffer(out * window.outPixels());
        this.dzBuf = new RowBuffer(out);
        this.dRowsBuf = new RowBuffer(patch);
        this.dxBuf = new RowBuffer(window.channels() * window.pixels());
    }

    public Window2d window() {
        return window;
    }

    public int outChannels() {
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public ImageShape inputImage() {
        return new ImageShape(window.channels(), window.height(), window.width());
    }

    @Override
    public ImageShape outputImage() {
        return new ImageShape(out, window.outHeight(), window.outWidth());
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        int in = window.channels() * window.pixels();
        Shapes.checkInput(this, input, in);
        int images = input.rows();
        int pixels = window.outPixels();
        if ((long) images * pixels * window.patch() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(this + ": a batch of " + images + " images needs " + (long) images * pixels
                    * window.patch() + " values for its receptive fields, more than an array holds; use smaller batches");
        }
        Tensor rows = rowsBuf.rows(images * pixels);
        kernels.convolutions().im2row(images, window, input.data(), input.offset(), rows.data(), rows.offset());
        Tensor z = zBuf.rows(images * pixels);
        kernels.blas().denseForward(images * pixels, window.patch(), out, rows.data(), rows.offset(),
                weight.value().data(), weight.value().offset(), bias == null ? null : bias.value().data(),
                bias == null ? 0 : bias.value().offset(), Activation.IDENTITY, null, 0, z.data(), z.offset());
        Tensor y = yBuf.rows(images);
        kernels.convolutions().toChannelsFirst(images, pixels, out, z.data(), z.offset(), y.data(), y.offset());
        lastRows = mode == Mode.TRAINING ? rows : null;
        lastImages = images;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (lastRows == null) {
            throw new IllegalStateException(this + ": backward needs a forward in training mode first");
        }
        int images = lastImages;
        int pixels = window.outPixels();
        int patch = window.patch();
        if (gradOutput.rank() != 2 || gradOutput.rows() != images || gradOutput.cols() != out * pixels) {
            throw new IllegalArgumentException(this + ": the gradient must be [" + images + ", " + out * pixels + "], got "
                    + gradOutput.shape());
        }
        int m = images * pixels;
        Tensor dz = dzBuf.rows(m);
        kernels.convolutions().toChannelsLast(images, out, pixels, gradOutput.data(), gradOutput.offset(), dz.data(), dz.offset());
        Tensor dw = weight.grad();
        kernels.blas().gemm(true, false, out, patch, m, 1f, dz.data(), dz.offset(), out, lastRows.data(), lastRows.offset(),
                patch, 1f, dw.data(), dw.offset(), patch);
        if (bias != null) {
            Tensor db = bias.grad();
            // the bias sum through the identity's backward (dz is left as it is: dy ⊙ 1)
            kernels.activations().activationBackward(Activation.IDENTITY, m, out, null, 0, null, 0, dz.data(), dz.offset(),
                    dz.data(), dz.offset(), db.data(), db.offset());
        }
        if (!needInputGradient) {
            return null;
        }
        Tensor dRows = dRowsBuf.rows(m);
        kernels.blas().gemm(false, false, m, patch, out, 1f, dz.data(), dz.offset(), out, weight.value().data(),
                weight.value().offset(), patch, 0f, dRows.data(), dRows.offset(), patch);
        Tensor dx = dxBuf.rows(images);
        dx.fill(0f);
        kernels.convolutions().row2imAdd(images, window, dRows.data(), dRows.offset(), dx.data(), dx.offset());
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        p.add(weight);
        if (bias != null) {
            p.add(bias);
        }
        return Collections.unmodifiableList(p);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        Shapes.same(this, inputFeatures, window.channels() * window.pixels());
        return out * window.outPixels();
    }

    @Override
    public Layer inferenceCopy() {
        return new Conv2d(window, out, weight, bias);
    }

    /** Copies of the weight and bias, shared with nothing. */
    Conv2d detachedCopy() {
        return new Conv2d(window, out, Frozen.copy(weight), bias == null ? null : Frozen.copy(bias));
    }

    @Override
    public String toString() {
        return "Conv2d(" + window.channels() + " -> " + out + ", " + window.kh() + "x" + window.kw() + ", stride "
                + window.strideH() + "x" + window.strideW() + ", padding " + window.padH() + "x" + window.padW()
                + (window.dilationH() == 1 && window.dilationW() == 1 ? "" : ", dilation " + window.dilationH() + "x"
                + window.dilationW()) + (bias == null ? ", no bias" : "") + "; " + inputImage() + " -> " + outputImage() + ")";
    }
}
