package dev.simdnn.kernel;

/**
 * Convolution and pooling on images stored NCHW, one image after another ({@code images ×
 * channels × height × width} floats): the data movement around the GEMM that computes a
 * convolution ({@link Blas}), and pooling.
 *
 * <p>A convolution of a batch is one GEMM: {@link #im2row} lays every output pixel's receptive
 * field out as a row of {@code C·kh·kw} values (zeros where the window reads padding), so that
 * {@code rows · Wᵀ} ({@code W [out, C·kh·kw]}, PyTorch's weight flattened) is the output with the
 * pixels as rows ({@link #toChannelsFirst} turns that into NCHW); backward runs the same products
 * transposed and {@link #row2imAdd} adds each row entry back at its pixel.
 *
 * <p>One family of the {@link Kernels} contract; its conventions apply.
 */
public interface Convolutions {

    /**
     * {@code rows[(n·P + q), (c·kh + i)·kw + j] = x[n, c, y, x]} for output pixel {@code q} of image
     * {@code n} ({@code P = outPixels}) at {@code y = q/outW·sH − pH + i·dH}, {@code x = q%outW·sW − pW
     * + j·dW}, and 0 where that lies in the padding.
     *
     * @param x    not modified: {@code images × C·H·W}
     * @param rows modified: {@code images·P × C·kh·kw}
     */
    void im2row(int images, Window2d w, float[] x, int xOffset, float[] rows, int rowsOffset);

    /**
     * The adjoint of {@link #im2row}: every entry of {@code rows} added to the pixel it was read
     * from ({@code dx} accumulates; entries that came from padding are dropped).
     *
     * @param rows not modified: {@code images·P × C·kh·kw}
     * @param dx   modified: {@code images × C·H·W}
     */
    void row2imAdd(int images, Window2d w, float[] rows, int rowsOffset, float[] dx, int dxOffset);

    /**
     * Per image, {@code pixels × channels} (one row per pixel) to {@code channels × pixels} (NCHW).
     *
     * @param src not modified; @param dst modified, may not alias {@code src}
     */
    void toChannelsFirst(int images, int pixels, int channels, float[] src, int srcOffset, float[] dst, int dstOffset);

    /** The inverse of {@link #toChannelsFirst}: per image {@code channels × pixels} to {@code pixels × channels}. */
    void toChannelsLast(int images, int channels, int pixels, float[] src, int srcOffset, float[] dst, int dstOffset);

    /**
     * Max pooling of every channel: {@code y[n, c, q]} is the largest {@code x} in the window of
     * output pixel {@code q} (padding counts as −∞, so it never wins), and {@code argmax} its index
     * within the image's channel plane ({@code y·W + x}); on ties the first in row-major order. NaN
     * wins (it propagates).
     *
     * @param y      modified: {@code images × C × P}
     * @param argmax modified: same size as {@code y}
     */
    void maxPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset, int[] argmax, int argmaxOffset);

    /** {@code dx} (modified, accumulated) gets each {@code dy} at its window's {@link #maxPoolForward argmax}. */
    void maxPoolBackward(int images, Window2d w, float[] dy, int dyOffset, int[] argmax, int argmaxOffset,
                         float[] dx, int dxOffset);

    /**
     * Average pooling of every channel: the window's sum over {@code kh·kw} (PyTorch's default
     * {@code count_include_pad=True}: padding counts as zeros in the average).
     *
     * @param y modified: {@code images × C × P}
     */
    void avgPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code dx} (modified, accumulated) gets {@code dy/(kh·kw)} at every pixel of each window. */
    void avgPoolBackward(int images, Window2d w, float[] dy, int dyOffset, float[] dx, int dxOffset);
}
