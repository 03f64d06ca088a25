package dev.simdnn.nn;

/**
 * The shape of one image, {@code channels × height × width}; a batch of images travels as rows of
 * {@code channels·height·width} values in NCHW order (PyTorch's layout, so an image tensor's memory
 * is the same either way).
 */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an image needs channels, height and width >= 1, got " + channels + "x" + height
                    + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("an image of " + channels + "x" + height + "x" + width + " is too large");
        }
    }

    /** {@code channels·height·width}: the row width of a batch of these images. */
    public int features() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
