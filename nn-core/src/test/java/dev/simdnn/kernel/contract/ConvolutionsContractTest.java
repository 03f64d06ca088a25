package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.Convolutions;
import dev.simdnn.kernel.Window2d;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Convolutions} contract, for every backend: im2row against the definition, its adjoint
 * by the identity {@code ⟨im2row(x), r⟩ = ⟨x, row2im(r)⟩}, the layout turns as inverses, and pooling
 * against direct loops, on odd sizes, strides, padding and dilation.
 */
public abstract class ConvolutionsContractTest extends KernelContract {

    @Test
    void everyConvolutionsMethodIsCovered() {
        assertEveryMethodCovered(Convolutions.class, ConvolutionsContractTest.class, 8);
    }

    static List<Window2d> windows() {
        return List.of(Window2d.square(1, 1, 1, 1, 1, 0), Window2d.square(2, 5, 6, 3, 1, 1),
                new Window2d(3, 7, 5, 2, 3, 2, 1, 1, 0, 1, 1), new Window2d(2, 9, 8, 3, 3, 1, 2, 2, 0, 2, 1),
                Window2d.square(1, 4, 4, 4, 1, 0));
    }

    @Test
    @Covers({"im2row", "row2imAdd"})
    void im2rowIsTheDefinitionAndRow2imItsAdjoint() {
        SplittableRandom rng = new SplittableRandom(1);
        for (Window2d w : windows()) {
            int images = 3;
            int n = images * w.channels() * w.pixels();
            int rowsLen = images * w.outPixels() * w.patch();
            float[] x = random(rng, n, 1);
            float[] rows = new float[rowsLen + 5];
            kernels().convolutions().im2row(images, w, x, 0, rows, 5);
            int r = 5;
            for (int img = 0; img < images; img++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++) {
                        for (int c = 0; c < w.channels(); c++) {
                            for (int i = 0; i < w.kh(); i++) {
                                for (int j = 0; j < w.kw(); j++) {
                                    int y = oy * w.strideH() - w.padH() + i * w.dilationH();
                                    int xx = ox * w.strideW() - w.padW() + j * w.dilationW();
                                    float want = y >= 0 && y < w.height() && xx >= 0 && xx < w.width()
                                            ? x[((img * w.channels() + c) * w.height() + y) * w.width() + xx] : 0f;
                                    assertEquals(want, rows[r++], 0f, w + " row entry");
                                }
                            }
                        }
                    }
                }
            }
            // ⟨im2row(x), g⟩ = ⟨x, row2im(g)⟩ in double, up to the float sums' rounding
            float[] g = random(rng, rowsLen, 1);
            float[] dx = random(rng, n + 3, 1);
            float[] before = dx.clone();
            kernels().convolutions().row2imAdd(images, w, g, 0, dx, 3);
            double lhs = 0, rhs = 0, mag = 0;
            for (int i = 0; i < rowsLen; i++) {
                lhs += (double) rows[5 + i] * g[i];
                mag += Math.abs((double) rows[5 + i] * g[i]);
            }
            for (int i = 0; i < n; i++) {
                rhs += (double) x[i] * (dx[3 + i] - before[3 + i]);
            }
            assertEquals(lhs, rhs, (w.kh() * w.kw() + 2) * U * mag + 1e-6, w + " adjoint");
            for (int i = 0; i < 3; i++) {
                assertEquals(before[i], dx[i], 0f, "before the offset: untouched");
            }
        }
    }

    @Test
    @Covers({"toChannelsFirst", "toChannelsLast"})
    void layoutTurnsAreTransposesAndInverses() {
        SplittableRandom rng = new SplittableRandom(2);
        int images = 2, pixels = 7, channels = 5;
        float[] src = random(rng, images * pixels * channels, 1);
        float[] first = new float[src.length];
        kernels().convolutions().toChannelsFirst(images, pixels, channels, src, 0, first, 0);
        for (int n = 0; n < images; n++) {
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < channels; c++) {
                    assertEquals(src[(n * pixels + p) * channels + c], first[(n * channels + c) * pixels + p], 0f);
                }
            }
        }
        float[] back = new float[src.length];
        kernels().convolutions().toChannelsLast(images, channels, pixels, first, 0, back, 0);
        assertArrayEquals(src, back);
    }

    /** A worked 2×2 max pool with a tie and NaNs: the first maximum; the first NaN, which then stays. */
    @Test
    void maxPoolTiesAndNaNsByHand() {
        for (int width : new int[] {4, 64, 70}) { // one window pair per row, and rows of 32 and 35 outputs
            Window2d w = new Window2d(1, 2, width, 2, 2, 2, 2, 0, 0, 1, 1);
            float[] x = new float[2 * width];
            for (int i = 0; i < x.length; i++) {
                x[i] = -i; // the window's top-left is its maximum
            }
            x[0] = 5; // window 0: 5, 5 (tie: the first), then smaller
            x[1] = 5;
            x[3] = Float.NaN; // window 1: -2, NaN, then -(width+2), NaN: the first NaN, at column 3
            x[width + 3] = Float.NaN;
            x[width + 2] = 9;
            int outs = width / 2;
            float[] y = new float[outs];
            int[] arg = new int[outs];
            kernels().convolutions().maxPoolForward(1, w, x, 0, y, 0, arg, 0);
            assertEquals(5f, y[0]);
            assertEquals(0, arg[0], "a tie goes to the first");
            assertTrue(Float.isNaN(y[1]), "NaN propagates");
            assertEquals(3, arg[1], "the first NaN, and a later 9 does not replace it");
            for (int o = 2; o < outs; o++) {
                assertEquals(-2f * o, y[o], "window " + o);
                assertEquals(2 * o, arg[o], "window " + o);
            }
        }
    }

    @Test
    @Covers({"maxPoolForward", "maxPoolBackward", "avgPoolForward", "avgPoolBackward"})
    void poolingMatchesDirectLoops() {
        SplittableRandom rng = new SplittableRandom(3);
        // 2×2 of stride 2 on rows of 3, 14 (LeNet), 20 and 33 outputs: below, at and above every vector width,
        // with tails; an odd width leaves a column out
        for (Window2d w : List.of(Window2d.square(2, 5, 7, 2, 2, 0), Window2d.square(3, 6, 5, 3, 2, 1),
                Window2d.square(1, 4, 4, 4, 1, 0), Window2d.square(2, 3, 3, 3, 1, 1), Window2d.square(3, 28, 28, 2, 2, 0),
                new Window2d(2, 6, 41, 2, 2, 2, 2, 0, 0, 1, 1), new Window2d(1, 4, 66, 2, 2, 2, 2, 0, 0, 1, 1),
                Window2d.square(3, 7, 7, 7, 1, 0), Window2d.square(2, 14, 14, 14, 1, 0))) { // and global windows of 49 and 196
            int images = 2, outLen = images * w.channels() * w.outPixels(), n = images * w.channels() * w.pixels();
            float[] x = random(rng, n, 2);
            x[0] = x[1]; // a tie: the first wins
            float[] y = new float[outLen];
            int[] arg = new int[outLen];
            kernels().convolutions().maxPoolForward(images, w, x, 0, y, 0, arg, 0);
            float[] ya = new float[outLen];
            kernels().convolutions().avgPoolForward(images, w, x, 0, ya, 0);
            float[] dy = random(rng, outLen, 1);
            float[] dxMax = new float[n];
            float[] dxAvg = new float[n];
            kernels().convolutions().maxPoolBackward(images, w, dy, 0, arg, 0, dxMax, 0);
            kernels().convolutions().avgPoolBackward(images, w, dy, 0, dxAvg, 0);
            double[] wantMax = new double[n];
            double[] wantAvg = new double[n];
            int o = 0;
            for (int nc = 0; nc < images * w.channels(); nc++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int at = -1;
                        double sum = 0;
                        for (int i = 0; i < w.kh(); i++) {
                            for (int j = 0; j < w.kw(); j++) {
                                int yy = oy * w.strideH() - w.padH() + i, xx = ox * w.strideW() - w.padW() + j;
                                if (yy >= 0 && yy < w.height() && xx >= 0 && xx < w.width()) {
                                    float v = x[nc * w.pixels() + yy * w.width() + xx];
                                    sum += v;
                                    if (at < 0 || v > best) {
                                        best = v;
                                        at = yy * w.width() + xx;
                                    }
                                }
                            }
                        }
                        assertEquals(best, y[o], 0f, w + " max");
                        assertEquals(at, arg[o], w + " argmax (first on ties)");
                        double avg = sum / (w.kh() * w.kw());
                        assertEquals(avg, ya[o], (w.kh() * w.kw() + 1) * U * (Math.abs(avg) + 1), w + " avg");
                        wantMax[nc * w.pixels() + at] += dy[o];
                        for (int i = 0; i < w.kh(); i++) {
                            for (int j = 0; j < w.kw(); j++) {
                                int yy = oy * w.strideH() - w.padH() + i, xx = ox * w.strideW() - w.padW() + j;
                                if (yy >= 0 && yy < w.height() && xx >= 0 && xx < w.width()) {
                                    wantAvg[nc * w.pixels() + yy * w.width() + xx] += (double) dy[o] / (w.kh() * w.kw());
                                }
                            }
                        }
                        o++;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(wantMax[i], dxMax[i], 16 * U * (Math.abs(wantMax[i]) + 1), w + " max backward");
                assertEquals(wantAvg[i], dxAvg[i], 16 * U * (Math.abs(wantAvg[i]) + 1), w + " avg backward");
            }
        }
    }
}
