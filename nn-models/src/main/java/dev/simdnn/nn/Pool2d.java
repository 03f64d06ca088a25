package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.Objects;

/**
 * 2-D pooling of each channel, as PyTorch's {@code MaxPool2d}, {@code AvgPool2d} (with its default
 * {@code count_include_pad=True}) and {@code AdaptiveAvgPool2d(1)} (global average pooling, a window
 * of the whole image). Max pooling sends each gradient to its window's largest input, the first on
 * ties; average pooling spreads it evenly. No parameters.
 */
public final class Pool2d implements ImageLayer {
    /** The pooling functions. */
    public enum Kind {
        MAX, AVG, GLOBAL_AVG
    }

    private final Kind kind;
    private final Window2d window;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private int[] argmax = new int[0];
    private int lastImages = -1;

    private Pool2d(Kind kind, Window2d window) {
        this.kind = kind;
        this.window = window;
        this.yBuf = new RowBuffer(window.channels() * window.outPixels());
        this.dxBuf = new RowBuffer(window.channels() * window.pixels());
    }

    /**
     * Max pooling with a {@code k × k} window, stride {@code stride}, padding {@code pad} (at most
     * {@code k/2}, as torch requires).
     */
    public static Pool2d max(ImageShape in, int k, int stride, int pad) {
        return new Pool2d(Kind.MAX, window(in, k, stride, pad));
    }

    /** Average pooling with a {@code k × k} window, stride {@code stride}, padding {@code pad} (at most {@code k/2}). */
    public static Pool2d avg(ImageShape in, int k, int stride, int pad) {
        return new Pool2d(Kind.AVG, window(in, k, stride, pad));
    }

    /** The average of each channel over the whole image: output {@code channels × 1 × 1}. */
    public static Pool2d globalAvg(ImageShape in) {
        Objects.requireNonNull(in, "in");
        return new Pool2d(Kind.GLOBAL_AVG, new Window2d(in.channels(), in.height(), in.width(), in.height(), in.width(),
                1, 1, 0, 0, 1, 1));
    }

    private static Window2d window(ImageShape in, int k, int stride, int pad) {
        Objects.requireNonNull(in, "in");
        if (pad < 0 || 2 * pad > k) {
            throw new IllegalArgumentException("pooling padding must be in [0, kernel/2], got " + pad + " for kernel " + k);
        }
        return Window2d.square(in.channels(), in.height(), in.width(), k, stride, pad);
    }

    public Kind kind() {
        return kind;
    }

    public Window2d window() {
        return window;
    }

    @Override
    public ImageShape inputImage() {
        return new ImageShape(window.channels(), window.height(), window.width());
    }

    @Override
    public ImageShape outputImage() {
        return new ImageShape(window.channels(), window.outHeight(), window.outWidth());
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, window.channels() * window.pixels());
        int images = input.rows();
        Tensor y = yBuf.rows(images);
        if (kind == Kind.MAX) {
            if (argmax.length < y.size()) {
                argmax = new int[y.size()]; // grows with the batch, then reused
            }
            kernels.convolutions().maxPoolForward(images, window, input.data(), input.offset(), y.data(), y.offset(), argmax, 0);
        } else {
            kernels.convolutions().avgPoolForward(images, window, input.data(), input.offset(), y.data(), y.offset());
        }
        lastImages = mode == Mode.TRAINING ? images : -1;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (lastImages < 0) {
            throw new IllegalStateException(this + ": backward needs a forward in training mode first");
        }
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = dxBuf.rows(lastImages);
        dx.fill(0f);
        if (kind == Kind.MAX) {
            kernels.convolutions().maxPoolBackward(lastImages, window, gradOutput.data(), gradOutput.offset(), argmax, 0,
                    dx.data(), dx.offset());
        } else {
            kernels.convolutions().avgPoolBackward(lastImages, window, gradOutput.data(), gradOutput.offset(), dx.data(),
                    dx.offset());
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        Shapes.same(this, inputFeatures, window.channels() * window.pixels());
        return window.channels() * window.outPixels();
    }

    @Override
    public Layer inferenceCopy() {
        return new Pool2d(kind, window);
    }

    @Override
    public String toString() {
        if (kind == Kind.GLOBAL_AVG) {
            return "GlobalAvgPool2d(" + inputImage() + " -> " + outputImage() + ")";
        }
        return (kind == Kind.MAX ? "MaxPool2d(" : "AvgPool2d(") + window.kh() + ", stride " + window.strideH() + ", padding "
                + window.padH() + "; " + inputImage() + " -> " + outputImage() + ")";
    }
}
