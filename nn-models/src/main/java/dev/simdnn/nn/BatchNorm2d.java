package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Batch normalisation per channel, as PyTorch's {@code BatchNorm2d}: the course's channel
 * normalisation {@code CN(z) = (z − mean(z)) / √(var(z) + ε) · γ + β}, with one mean and variance
 * per channel over the batch and every pixel ({@code N·H·W} values), learnable γ and β per channel
 * and running statistics for inference. Computed as {@link BatchNorm} over the pixels laid out as
 * rows of channels (each channel a column), between two layout turns; the same names as torch
 * ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var}, {@code num_batches_tracked}).
 */
public final class BatchNorm2d implements ImageLayer {
    private final ImageShape image;
    private final BatchNorm inner;
    private final RowBuffer lastBuf;
    private final RowBuffer yBuf;
    private final RowBuffer dyBuf;
    private final RowBuffer dxBuf;
    private int lastImages = -1;

    /** Over {@code image}'s channels with PyTorch's defaults: momentum 0.1, ε = 1e-5. */
    public BatchNorm2d(ImageShape image) {
        this(image, 0.1f, 1e-5f);
    }

    public BatchNorm2d(ImageShape image, float momentum, float epsilon) {
        this(Objects.requireNonNull(image, "image"), new BatchNorm(image.channels(), momentum, epsilon));
    }

    private BatchNorm2d(ImageShape image, BatchNorm inner) {
        this.image = image;
        this.inner = inner;
        this.lastBuf = new RowBuffer(image.channels());
        this.yBuf = new RowBuffer(image.features());
        this.dyBuf = new RowBuffer(image.channels());
        this.dxBuf = new RowBuffer(image.features());
    }

    /** The per-channel batch norm it runs over the pixels (its γ, β and running statistics). */
    public BatchNorm perChannel() {
        return inner;
    }

    @Override
    public ImageShape inputImage() {
        return image;
    }

    @Override
    public ImageShape outputImage() {
        return image;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, image.features());
        int images = input.rows();
        int pixels = image.height() * image.width();
        int channels = image.channels();
        Tensor rows = lastBuf.rows(images * pixels);
        kernels.convolutions().toChannelsLast(images, channels, pixels, input.data(), input.offset(), rows.data(), rows.offset());
        Tensor yl = inner.forward(kernels, rows, mode);
        Tensor y = yBuf.rows(images);
        kernels.convolutions().toChannelsFirst(images, pixels, channels, yl.data(), yl.offset(), y.data(), y.offset());
        lastImages = mode == Mode.TRAINING ? images : -1;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (lastImages < 0) {
            throw new IllegalStateException(this + ": backward needs a forward in training mode first");
        }
        int pixels = image.height() * image.width();
        int channels = image.channels();
        Tensor dyl = dyBuf.rows(lastImages * pixels);
        kernels.convolutions().toChannelsLast(lastImages, channels, pixels, gradOutput.data(), gradOutput.offset(),
                dyl.data(), dyl.offset());
        Tensor dxl = inner.backward(kernels, dyl, needInputGradient);
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = dxBuf.rows(lastImages);
        kernels.convolutions().toChannelsFirst(lastImages, pixels, channels, dxl.data(), dxl.offset(), dx.data(), dx.offset());
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return inner.parameters();
    }

    @Override
    public Map<String, Tensor> buffers() {
        return inner.buffers();
    }

    @Override
    public boolean usesBatchStatistics() {
        return true;
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        return Shapes.same(this, inputFeatures, image.features());
    }

    @Override
    public Layer inferenceCopy() {
        return new BatchNorm2d(image, (BatchNorm) inner.inferenceCopy());
    }

    BatchNorm2d detachedCopy() {
        return new BatchNorm2d(image, inner.detachedCopy());
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + image.channels() + "; " + image + ")";
    }
}
