package dev.simdnn.kernel;

/**
 * A 2-D sliding window over images of {@code channels × height × width} (NCHW, one image after the
 * other): a kernel of {@code kh × kw}, strides, zero padding on each side and dilation, as PyTorch's
 * {@code Conv2d} and pooling layers take them. The output is {@code outHeight × outWidth} per channel,
 * {@code ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1}.
 */
public record Window2d(int channels, int height, int width, int kh, int kw, int strideH, int strideW,
                       int padH, int padW, int dilationH, int dilationW) {

    /**
     * @throws IllegalArgumentException naming the value: sizes below 1, negative padding, or a window
     *                                  that does not fit the padded image once
     */
    public Window2d {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an image needs channels, height and width >= 1, got " + channels + "x"
                    + height + "x" + width);
        }
        if (kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("kernel, stride and dilation must be >= 1, got kernel " + kh + "x" + kw
                    + ", stride " + strideH + "x" + strideW + ", dilation " + dilationH + "x" + dilationW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padH + "x" + padW);
        }
        long outH = ((long) height + 2L * padH - (long) dilationH * (kh - 1) - 1) / strideH + 1;
        long outW = ((long) width + 2L * padW - (long) dilationW * (kw - 1) - 1) / strideW + 1;
        if (height + 2L * padH < (long) dilationH * (kh - 1) + 1 || width + 2L * padW < (long) dilationW * (kw - 1) + 1) {
            throw new IllegalArgumentException("a " + kh + "x" + kw + " window (dilation " + dilationH + "x" + dilationW
                    + ") does not fit a " + height + "x" + width + " image padded by " + padH + "x" + padW);
        }
        if ((long) channels * kh * kw > Integer.MAX_VALUE / 4 || outH * outW > Integer.MAX_VALUE / 4
                || (long) channels * height * width > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("window " + kh + "x" + kw + " over " + channels + "x" + height + "x" + width
                    + " is too large");
        }
    }

    /** A square window: kernel {@code k}, stride {@code s}, padding {@code p}, no dilation. */
    public static Window2d square(int channels, int height, int width, int k, int s, int p) {
        return new Window2d(channels, height, width, k, k, s, s, p, p, 1, 1);
    }

    public int outHeight() {
        return (height + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    public int outWidth() {
        return (width + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
    }

    /** {@code outHeight · outWidth}: output pixels per channel. */
    public int outPixels() {
        return outHeight() * outWidth();
    }

    /** {@code height · width}: input pixels per channel. */
    public int pixels() {
        return height * width;
    }

    /** {@code channels · kh · kw}: the length of one im2row row. */
    public int patch() {
        return channels * kh * kw;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + ", kernel " + kh + "x" + kw + ", stride " + strideH + "x" + strideW
                + ", padding " + padH + "x" + padW + (dilationH == 1 && dilationW == 1 ? "" : ", dilation " + dilationH + "x"
                + dilationW);
    }
}
