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
 * The convolutions' data movement on vectors where it pays, else the reference's loops: the
 * 2×2 max and average pools of stride 2 (no padding, no dilation) on rows of at least one vector
 * of outputs, forward and backward, and the global average pool. {@link #maxPoolForward} runs
 * {@code L} output pixels at a time — two loads per
 * input row, split into even and odd columns by a two-vector rearrange, the four candidates
 * compared in the reference's order with its rule (the first maximum; the first NaN, which then
 * stays), the reference's bits. Every other operation, and every other window, is
 * {@link ScalarConvolutions}' (im2row's and col2im's runs are a window's width, too short for
 * vectors; the layout turns are strided).
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
    /** Lane k takes lane k/2: the first half of a vector, each value twice. */
    private static final VectorShuffle<Float> SPREAD_LO = VectorShuffle.fromOp(S, k -> k / 2);
    /** Lane k takes lane (k + L)/2: the second half, each value twice. */
    private static final VectorShuffle<Float> SPREAD_HI = VectorShuffle.fromOp(S, k -> (k + L) / 2);
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

    /** Whether {@code w} covers each whole plane once (global average pooling). */
    static boolean globalWindow(Window2d w) {
        return w.kh() == w.height() && w.kw() == w.width() && w.padH() == 0 && w.padW() == 0 && w.outHeight() == 1
                && w.outWidth() == 1 && w.dilationH() == 1 && w.dilationW() == 1;
    }

    /**
     * Average pooling: the 2×2, stride-2 window on vectors (the four candidates as in
     * {@link #maxPoolForward}, summed in the reference's order, in float where the reference sums
     * in double: within the contract's bound of a few units in the last place), and the global
     * window as one sum per plane ({@code L} lanes, a fixed lane order, a scalar tail); other
     * windows run the reference.
     */
    @Override
    public void avgPoolForward(int images, Window2d w, float[] x, int xOffset, float[] y, int yOffset) {
        if (globalWindow(w)) {
            int plane = w.pixels();
            float inv = 1f / plane;
            int full = plane - plane % L;
            for (int nc = 0; nc < images * w.channels(); nc++) {
                int base = xOffset + nc * plane;
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (; j < full; j += L) {
                    acc = acc.add(FloatVector.fromArray(S, x, base + j));
                }
                float sum = 0f;
                for (int lane = 0; lane < L; lane++) { // lane by lane: one order, whatever the JIT does
                    sum += acc.lane(lane);
                }
                for (; j < plane; j++) {
                    sum += x[base + j];
                }
                y[yOffset + nc] = sum * inv;
            }
            return;
        }
        if (!vectorWindow(w)) {
            REF.avgPoolForward(images, w, x, xOffset, y, yOffset);
            return;
        }
        int width = w.width();
        int oh = w.outHeight();
        int ow = w.outWidth();
        int plane = w.pixels();
        int full = ow - ow % L;
        int o = 0;
        for (int nc = 0; nc < images * w.channels(); nc++) {
            int base = xOffset + nc * plane;
            for (int oy = 0; oy < oh; oy++) {
                int top = base + 2 * oy * width;
                for (int ox = 0; ox < full; ox += L) {
                    int col = top + 2 * ox;
                    FloatVector a0 = FloatVector.fromArray(S, x, col);
                    FloatVector b0 = FloatVector.fromArray(S, x, col + L);
                    FloatVector a1 = FloatVector.fromArray(S, x, col + width);
                    FloatVector b1 = FloatVector.fromArray(S, x, col + width + L);
                    a0.rearrange(EVEN, b0).add(a0.rearrange(ODD, b0)).add(a1.rearrange(EVEN, b1)).add(a1.rearrange(ODD, b1))
                            .mul(0.25f).intoArray(y, yOffset + o + ox);
                }
                for (int ox = full; ox < ow; ox++) {
                    int p = top + 2 * ox;
                    y[yOffset + o + ox] = (x[p] + x[p + 1] + x[p + width] + x[p + width + 1]) * 0.25f;
                }
                o += ow;
            }
        }
    }

    /**
     * The average pool's gradient: each output's {@code dy/k} added to its window; on vectors for
     * the 2×2, stride-2 window (each output's share spread to its two columns by a rearrange) and
     * the global one; the same float operations as the reference, so the same bits.
     */
    @Override
    public void avgPoolBackward(int images, Window2d w, float[] dy, int dyOffset, float[] dx, int dxOffset) {
        if (globalWindow(w)) {
            int plane = w.pixels();
            float inv = 1f / plane;
            int full = plane - plane % L;
            for (int nc = 0; nc < images * w.channels(); nc++) {
                float g = dy[dyOffset + nc] * inv;
                int base = dxOffset + nc * plane;
                int j = 0;
                for (; j < full; j += L) {
                    FloatVector.fromArray(S, dx, base + j).add(g).intoArray(dx, base + j);
                }
                for (; j < plane; j++) {
                    dx[base + j] += g;
                }
            }
            return;
        }
        if (!vectorWindow(w)) {
            REF.avgPoolBackward(images, w, dy, dyOffset, dx, dxOffset);
            return;
        }
        int width = w.width();
        int oh = w.outHeight();
        int ow = w.outWidth();
        int plane = w.pixels();
        int full = ow - ow % L;
        int o = 0;
        for (int nc = 0; nc < images * w.channels(); nc++) {
            int base = dxOffset + nc * plane;
            for (int oy = 0; oy < oh; oy++) {
                int top = base + 2 * oy * width;
                for (int ox = 0; ox < full; ox += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, dyOffset + o + ox).mul(0.25f);
                    FloatVector lo = g.rearrange(SPREAD_LO); // g0, g0, g1, g1, …
                    FloatVector hi = g.rearrange(SPREAD_HI);
                    int col = top + 2 * ox;
                    FloatVector.fromArray(S, dx, col).add(lo).intoArray(dx, col);
                    FloatVector.fromArray(S, dx, col + L).add(hi).intoArray(dx, col + L);
                    FloatVector.fromArray(S, dx, col + width).add(lo).intoArray(dx, col + width);
                    FloatVector.fromArray(S, dx, col + width + L).add(hi).intoArray(dx, col + width + L);
                }
                for (int ox = full; ox < ow; ox++) {
                    float g = dy[dyOffset + o + ox] * 0.25f;
                    int p = top + 2 * ox;
                    dx[p] += g;
                    dx[p + 1] += g;
                    dx[p + width] += g;
                    dx[p + width + 1] += g;
                }
                o += ow;
            }
        }
    }
}
