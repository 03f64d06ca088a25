package dev.simdnn.simd.convolutions;

import dev.simdnn.kernel.Convolutions;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.kernel.scalar.ScalarConvolutions;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolutions' data movement on vectors where it pays, else the reference's loops:
 * {@link #maxPoolForward} for the common 2×2 window of stride 2 (no padding, no dilation) on
 * rows of at least one vector of outputs runs {@code L} output pixels at a time — two loads per
 * input row, split into even and odd columns by a two-vector rearrange, the four candidates
 * compared in the reference's order with its rule (the first maximum; the first NaN, which then
 * stays); every other operation, and every other window, is {@link ScalarConvolutions}' (im2row's
 * and col2im's runs are a window's width, too short for vectors; the layout turns are strided).
 * The results are the reference's, bit for bit.
 */
public final class SimdConvolutions implements Convolutions {
    public static final SimdConvolutions INSTANCE = new SimdConvolutions();
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    /** Lane k takes lane 2k of (a, b) concatenated: the even columns. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, k -> 2 * k);
    /** Lane k takes lane 2k + 1: the odd columns. */
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, k -> 2 * k + 1);
    private static final ScalarConvolutions REF = ScalarConvolutions.INSTANCE;

    private SimdConvolutions() {
    }

    @Override
    public void im2row(int images, Window2d w, float[] x, int xOffset, float[] rows, int rowsOffset) {
        REF.im2row(images, w, x, xOffset, rows, rowsOffset);
    }

    @Override
    public void row2imAdd(int images, Window2d w, float[] rows, int rowsOffset, float[] dx, int dxOffset) {
        REF.row2imAdd(images, w, rows, rowsOffset, dx, dxOffset);
    }

    @Override
    public void toChannelsFirst(int images, int pixels, int channels, float[] src, int srcOffset, float[] dst,
                                int dstOffset) {
        REF.toChannelsFirst(images, pixels, channels, src, srcOffset, dst, dstOffset);
    }

    @Override
    public void toChannelsLast(int images, int channels, int pixels, float[] src, int srcOffset, float[] dst,
                               int dstOffset) {
        REF.toChannelsLast(images, channels, pixels, src, srcOffset, dst, dstOffset);
    }

    /** Whether {@code w} is the window {@link #maxPoolForward} runs on vectors. */
    static boolean vectorWindow(Window2d w) {
        return w.kh() == 2 && w.kw() == 2 && w.strideH() == 2 && w.strideW() == 2 && w.padH() == 0 && w.padW() == 0
                && w.dilationH() == 1 && w.dilationW() == 1 && w.outWidth() >= L;
    }

    @Override
    public void maxPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset, int[] argmax,
                               int argmaxOffset) {
        if (!vectorWindow(w)) {
            REF.maxPoolForward(images, w, x, xOffset, y, yOffset, argmax, argmaxOffset);
            return;
        }
        int width = w.width();
        int oh = w.outHeight();
        int ow = w.outWidth();
        int plane = w.pixels();
        IntVector evenColumns = IntVector.zero(I).addIndex(2); // 0, 2, 4, …
        int o = 0;
        for (int nc = 0; nc < images * w.channels(); nc++) {
            int base = xOffset + nc * plane;
            for (int oy = 0; oy < oh; oy++) {
                int top = 2 * oy * width; // the window's first row, within the plane
                int full = ow - ow % L; // outputs in whole vectors; the rest by the same rule, as scalars
                for (int ox = 0; ox < full; ox += L) {
                    int col = 2 * ox;
                    FloatVector a0 = FloatVector.fromArray(S, x, base + top + col);
                    FloatVector b0 = FloatVector.fromArray(S, x, base + top + col + L);
                    FloatVector a1 = FloatVector.fromArray(S, x, base + top + width + col);
                    FloatVector b1 = FloatVector.fromArray(S, x, base + top + width + col + L);
                    IntVector at = evenColumns.add(top + col);
                    FloatVector best = a0.rearrange(EVEN, b0); // (0, 0): taken first, whatever it is
                    FloatVector v = a0.rearrange(ODD, b0);    // (0, 1)
                    // the reference's rule for a later candidate: larger, or the first NaN (a NaN best
                    // stays); written out at each use, as a call could leave the vectors boxed
                    VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                            .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                    best = best.blend(v, take);
                    at = at.blend(at.add(1), take.cast(I));
                    IntVector at1 = evenColumns.add(top + width + col);
                    v = a1.rearrange(EVEN, b1);                // (1, 0)
                    take = v.compare(VectorOperators.GT, best)
                            .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                    best = best.blend(v, take);
                    at = at.blend(at1, take.cast(I));
                    v = a1.rearrange(ODD, b1);                 // (1, 1)
                    take = v.compare(VectorOperators.GT, best)
                            .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                    best = best.blend(v, take);
                    at = at.blend(at1.add(1), take.cast(I));
                    best.intoArray(y, yOffset + o + ox);
                    at.intoArray(argmax, argmaxOffset + o + ox);
                }
                for (int ox = full; ox < ow; ox++) {
                    int p = top + 2 * ox; // the candidates p, p + 1, p + width, p + width + 1, in that order
                    float best = x[base + p];
                    int at = p;
                    for (int k = 1; k < 4; k++) {
                        int q = p + (k >> 1) * width + (k & 1);
                        float v = x[base + q];
                        if (v > best || Float.isNaN(v) && !Float.isNaN(best)) {
                            best = v;
                            at = q;
                        }
                    }
                    y[yOffset + o + ox] = best;
                    argmax[argmaxOffset + o + ox] = at;
                }
                o += ow;
            }
        }
    }

    @Override
    public void maxPoolBackward(int images, Window2d w, float[] dy, int dyOffset, int[] argmax, int argmaxOffset,
                                float[] dx, int dxOffset) {
        REF.maxPoolBackward(images, w, dy, dyOffset, argmax, argmaxOffset, dx, dxOffset);
    }

    @Override
    public void avgPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset) {
        REF.avgPoolForward(images, w, x, xOffset, y, yOffset);
    }

    @Override
    public void avgPoolBackward(int images, Window2d w, float[] dy, int dyOffset, float[] dx, int dxOffset) {
        REF.avgPoolBackward(images, w, dy, dyOffset, dx, dxOffset);
    }
}
