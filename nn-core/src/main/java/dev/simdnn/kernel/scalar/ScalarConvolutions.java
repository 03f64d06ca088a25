package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Convolutions;
import dev.simdnn.kernel.Window2d;

/** The reference {@link Convolutions}: plain loops over images, channels, output pixels and the window. */
public final class ScalarConvolutions implements Convolutions {
    public static final ScalarConvolutions INSTANCE = new ScalarConvolutions();

    private ScalarConvolutions() {
    }

    @Override
    public void im2row(int images, Window2d w, float[] x, int xOffset, float[] rows, int rowsOffset) {
        int oh = w.outHeight(), ow = w.outWidth(), plane = w.pixels();
        int channels = w.channels(), kh = w.kh(), kw = w.kw(), width = w.width(), height = w.height();
        int sh = w.strideH(), sw = w.strideW(), ph = w.padH(), pw = w.padW(), dh = w.dilationH(), dw = w.dilationW();
        int r = rowsOffset;
        for (int n = 0; n < images; n++) {
            int image = xOffset + n * channels * plane;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - ph;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * sw - pw;
                    // the window's columns inside the image: j in [jLo, jHi)
                    int jLo = x0 >= 0 ? 0 : Math.min(kw, (-x0 + dw - 1) / dw);
                    int jHi = Math.max(jLo, Math.min(kw, (width - x0 + dw - 1) / dw));
                    for (int c = 0; c < channels; c++) {
                        int chan = image + c * plane;
                        for (int i = 0; i < kh; i++) {
                            int y = y0 + i * dh;
                            if (y < 0 || y >= height) {
                                for (int j = 0; j < kw; j++) {
                                    rows[r++] = 0f;
                                }
                                continue;
                            }
                            int src = chan + y * width + x0;
                            for (int j = 0; j < jLo; j++) {
                                rows[r++] = 0f;
                            }
                            for (int j = jLo; j < jHi; j++) {
                                rows[r++] = x[src + j * dw];
                            }
                            for (int j = jHi; j < kw; j++) {
                                rows[r++] = 0f;
                            }
                        }
                    }
                }
            }
        }
        assert r == rowsOffset + images * oh * ow * w.patch();
    }

    @Override
    public void row2imAdd(int images, Window2d w, float[] rows, int rowsOffset, float[] dx, int dxOffset) {
        int oh = w.outHeight(), ow = w.outWidth(), plane = w.pixels();
        int channels = w.channels(), kh = w.kh(), kw = w.kw(), width = w.width(), height = w.height();
        int sh = w.strideH(), sw = w.strideW(), ph = w.padH(), pw = w.padW(), dh = w.dilationH(), dw = w.dilationW();
        int r = rowsOffset;
        for (int n = 0; n < images; n++) {
            int image = dxOffset + n * channels * plane;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - ph;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * sw - pw;
                    int jLo = x0 >= 0 ? 0 : Math.min(kw, (-x0 + dw - 1) / dw);
                    int jHi = Math.max(jLo, Math.min(kw, (width - x0 + dw - 1) / dw));
                    for (int c = 0; c < channels; c++) {
                        int chan = image + c * plane;
                        for (int i = 0; i < kh; i++) {
                            int y = y0 + i * dh;
                            if (y < 0 || y >= height) {
                                r += kw;
                                continue;
                            }
                            int dst = chan + y * width + x0;
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + j * dw] += rows[r + j];
                            }
                            r += kw;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void toChannelsFirst(int images, int pixels, int channels, float[] src, int srcOffset, float[] dst, int dstOffset) {
        for (int n = 0; n < images; n++) {
            int s = srcOffset + n * pixels * channels;
            int d = dstOffset + n * pixels * channels;
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < channels; c++) {
                    dst[d + c * pixels + p] = src[s + p * channels + c];
                }
            }
        }
    }

    @Override
    public void toChannelsLast(int images, int channels, int pixels, float[] src, int srcOffset, float[] dst, int dstOffset) {
        for (int n = 0; n < images; n++) {
            int s = srcOffset + n * pixels * channels;
            int d = dstOffset + n * pixels * channels;
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < pixels; p++) {
                    dst[d + p * channels + c] = src[s + c * pixels + p];
                }
            }
        }
    }

    @Override
    public void maxPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset, int[] argmax,
                               int argmaxOffset) {
        int oh = w.outHeight(), ow = w.outWidth(), plane = w.pixels();
        int o = 0;
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < w.channels(); c++) {
                int base = xOffset + (n * w.channels() + c) * plane;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int at = -1;
                        for (int i = 0; i < w.kh(); i++) {
                            int yy = oy * w.strideH() - w.padH() + i * w.dilationH();
                            if (yy < 0 || yy >= w.height()) {
                                continue;
                            }
                            for (int j = 0; j < w.kw(); j++) {
                                int xx = ox * w.strideW() - w.padW() + j * w.dilationW();
                                if (xx < 0 || xx >= w.width()) {
                                    continue;
                                }
                                float v = x[base + yy * w.width() + xx];
                                if (at < 0 || v > best || Float.isNaN(v) && !Float.isNaN(best)) {
                                    best = v;
                                    at = yy * w.width() + xx;
                                }
                            }
                        }
                        y[yOffset + o] = best;
                        argmax[argmaxOffset + o] = at;
                        o++;
                    }
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(int images, Window2d w, float[] dy, int dyOffset, int[] argmax, int argmaxOffset,
                                float[] dx, int dxOffset) {
        int outPlane = w.outPixels(), plane = w.pixels();
        for (int nc = 0; nc < images * w.channels(); nc++) {
            for (int q = 0; q < outPlane; q++) {
                int o = nc * outPlane + q;
                int at = argmax[argmaxOffset + o];
                if (at >= 0) {
                    dx[dxOffset + nc * plane + at] += dy[dyOffset + o];
                }
            }
        }
    }

    @Override
    public void avgPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset) {
        int oh = w.outHeight(), ow = w.outWidth(), plane = w.pixels();
        float inv = 1f / (w.kh() * w.kw());
        int o = 0;
        for (int nc = 0; nc < images * w.channels(); nc++) {
            int base = xOffset + nc * plane;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    for (int i = 0; i < w.kh(); i++) {
                        int yy = oy * w.strideH() - w.padH() + i * w.dilationH();
                        for (int j = 0; j < w.kw(); j++) {
                            int xx = ox * w.strideW() - w.padW() + j * w.dilationW();
                            if (yy >= 0 && yy < w.height() && xx >= 0 && xx < w.width()) {
                                sum += x[base + yy * w.width() + xx];
                            }
                        }
                    }
                    y[yOffset + o++] = (float) sum * inv;
                }
            }
        }
    }

    @Override
    public void avgPoolBackward(int images, Window2d w, float[] dy, int dyOffset, float[] dx, int dxOffset) {
        int oh = w.outHeight(), ow = w.outWidth(), plane = w.pixels();
        float inv = 1f / (w.kh() * w.kw());
        int o = 0;
        for (int nc = 0; nc < images * w.channels(); nc++) {
            int base = dxOffset + nc * plane;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float g = dy[dyOffset + o++] * inv;
                    for (int i = 0; i < w.kh(); i++) {
                        int yy = oy * w.strideH() - w.padH() + i * w.dilationH();
                        for (int j = 0; j < w.kw(); j++) {
                            int xx = ox * w.strideW() - w.padW() + j * w.dilationW();
                            if (yy >= 0 && yy < w.height() && xx >= 0 && xx < w.width()) {
                                dx[base + yy * w.width() + xx] += g;
                            }
                        }
                    }
                }
            }
        }
    }
}
