package dev.simdnn.simd.recurrences;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Recurrences;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.activations.SimdActivations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The cells' element-wise steps on vectors: per row, the {@code hidden} units {@code L} at a time
 * (the last vector masked), σ and tanh by {@link SimdActivations} (the polynomials of
 * {@code VectorMath}) in passes of their own, the products and sums in passes between them; the
 * backward passes have no transcendental function and read every gate of a unit side by side. The equations, in the same order of operations, are those of
 * {@link dev.simdnn.kernel.scalar.ScalarRecurrences}, whose σ and tanh are computed in double;
 * the contract test bounds the difference.
 */
public final class SimdRecurrences implements Recurrences {
    public static final SimdRecurrences INSTANCE = new SimdRecurrences();
    /** σ and tanh run as the activation kernels run them, one function per loop: a loop holding several would exceed C2's inlining budget, and vectors passed to a method left out of line are boxed. */
    private static final SimdActivations ACT = SimdActivations.INSTANCE;
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdRecurrences() {
    }

    @Override
    public void lstmForward(int rows, int hidden, float[] gates, int go, float[] cPrev, int cpo, float[] c, int co,
                            float[] tanhC, int to, float[] h, int ho) {
        int w = 4 * hidden;
        for (int r = 0; r < rows; r++) {
            int g = go + r * w;
            ACT.activationForward(Activation.SIGMOID, 2 * hidden, gates, g, gates, g); // i, f
            ACT.activationForward(Activation.TANH, hidden, gates, g + 2 * hidden, gates, g + 2 * hidden); // g
            ACT.activationForward(Activation.SIGMOID, hidden, gates, g + 3 * hidden, gates, g + 3 * hidden); // o
            int e = r * hidden;
            for (int j = 0; j < hidden; j += L) { // c = f⊙c' + i⊙g
                VectorMask<Float> m = S.indexInRange(j, hidden);
                FloatVector i = FloatVector.fromArray(S, gates, g + j, m);
                FloatVector f = FloatVector.fromArray(S, gates, g + hidden + j, m);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * hidden + j, m);
                FloatVector fc = f.mul(FloatVector.fromArray(S, cPrev, cpo + e + j, m));
                (FMA ? i.fma(gg, fc) : fc.add(i.mul(gg))).intoArray(c, co + e + j, m);
            }
        }
        ACT.activationForward(Activation.TANH, rows * hidden, c, co, tanhC, to);
        for (int r = 0; r < rows; r++) { // h = o⊙tanh(c)
            int g = go + r * w + 3 * hidden;
            int e = r * hidden;
            for (int j = 0; j < hidden; j += L) {
                VectorMask<Float> m = S.indexInRange(j, hidden);
                FloatVector.fromArray(S, gates, g + j, m).mul(FloatVector.fromArray(S, tanhC, to + e + j, m))
                        .intoArray(h, ho + e + j, m);
            }
        }
    }

    @Override
    public void lstmBackward(int rows, int hidden, float[] gates, int go, float[] cPrev, int cpo, float[] tanhC, int to,
                             float[] dh, int dho, float[] dc, int dco, float[] dGates, int dgo) {
        for (int r = 0; r < rows; r++) {
            int g = go + r * 4 * hidden;
            int dg = dgo + r * 4 * hidden;
            int e = r * hidden;
            for (int j = 0; j < hidden; j += L) {
                VectorMask<Float> m = S.indexInRange(j, hidden);
                FloatVector i = FloatVector.fromArray(S, gates, g + j, m);
                FloatVector f = FloatVector.fromArray(S, gates, g + hidden + j, m);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * hidden + j, m);
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * hidden + j, m);
                FloatVector tc = FloatVector.fromArray(S, tanhC, to + e + j, m);
                FloatVector dhv = FloatVector.fromArray(S, dh, dho + e + j, m);
                // dc + dh·o·(1 − tc²)
                FloatVector dcv = FloatVector.fromArray(S, dc, dco + e + j, m)
                        .add(dhv.mul(o).mul(tc.mul(tc).neg().add(1f)));
                dcv.mul(gg).mul(i).mul(i.neg().add(1f)).intoArray(dGates, dg + j, m);
                dcv.mul(FloatVector.fromArray(S, cPrev, cpo + e + j, m)).mul(f).mul(f.neg().add(1f))
                        .intoArray(dGates, dg + hidden + j, m);
                dcv.mul(i).mul(gg.mul(gg).neg().add(1f)).intoArray(dGates, dg + 2 * hidden + j, m);
                dhv.mul(tc).mul(o).mul(o.neg().add(1f)).intoArray(dGates, dg + 3 * hidden + j, m);
                dcv.mul(f).intoArray(dc, dco + e + j, m);
            }
        }
    }

    @Override
    public void gruForward(int rows, int hidden, float[] ih, int iho, float[] hh, int hho, float[] hPrev, int hpo,
                           float[] gates, int go, float[] h, int ho) {
        for (int r = 0; r < rows; r++) {
            int a = r * 3 * hidden;
            for (int j = 0; j < 2 * hidden; j += L) { // r, z pre-activations: ih + hh
                VectorMask<Float> m = S.indexInRange(j, 2 * hidden);
                FloatVector.fromArray(S, ih, iho + a + j, m).add(FloatVector.fromArray(S, hh, hho + a + j, m))
                        .intoArray(gates, go + a + j, m);
            }
            ACT.activationForward(Activation.SIGMOID, 2 * hidden, gates, go + a, gates, go + a);
            int nOff = a + 2 * hidden;
            for (int j = 0; j < hidden; j += L) { // n pre-activation: ih_n + r⊙hh_n
                VectorMask<Float> m = S.indexInRange(j, hidden);
                FloatVector rr = FloatVector.fromArray(S, gates, go + a + j, m);
                FloatVector.fromArray(S, ih, iho + nOff + j, m).add(rr.mul(FloatVector.fromArray(S, hh, hho + nOff + j, m)))
                        .intoArray(gates, go + nOff + j, m);
            }
            ACT.activationForward(Activation.TANH, hidden, gates, go + nOff, gates, go + nOff);
            int e = r * hidden;
            for (int j = 0; j < hidden; j += L) { // (1 − z)⊙n + z⊙h', in the reference's order
                VectorMask<Float> m = S.indexInRange(j, hidden);
                FloatVector z = FloatVector.fromArray(S, gates, go + a + hidden + j, m);
                FloatVector n = FloatVector.fromArray(S, gates, go + nOff + j, m);
                z.neg().add(1f).mul(n).add(z.mul(FloatVector.fromArray(S, hPrev, hpo + e + j, m)))
                        .intoArray(h, ho + e + j, m);
            }
        }
    }

    @Override
    public void gruBackward(int rows, int hidden, float[] gates, int go, float[] hh, int hho, float[] hPrev, int hpo,
                            float[] dh, int dho, float[] dIh, int dio, float[] dHh, int dhho, float[] dhPrev, int dhpo) {
        for (int r = 0; r < rows; r++) {
            int a = r * 3 * hidden;
            int e = r * hidden;
            for (int j = 0; j < hidden; j += L) {
                VectorMask<Float> m = S.indexInRange(j, hidden);
                FloatVector rr = FloatVector.fromArray(S, gates, go + a + j, m);
                FloatVector z = FloatVector.fromArray(S, gates, go + a + hidden + j, m);
                FloatVector n = FloatVector.fromArray(S, gates, go + a + 2 * hidden + j, m);
                FloatVector d = FloatVector.fromArray(S, dh, dho + e + j, m);
                FloatVector dn = d.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
                FloatVector dz = d.mul(FloatVector.fromArray(S, hPrev, hpo + e + j, m).sub(n)).mul(z).mul(z.neg().add(1f));
                FloatVector dr = dn.mul(FloatVector.fromArray(S, hh, hho + a + 2 * hidden + j, m)).mul(rr)
                        .mul(rr.neg().add(1f));
                dr.intoArray(dIh, dio + a + j, m);
                dz.intoArray(dIh, dio + a + hidden + j, m);
                dn.intoArray(dIh, dio + a + 2 * hidden + j, m);
                dr.intoArray(dHh, dhho + a + j, m);
                dz.intoArray(dHh, dhho + a + hidden + j, m);
                dn.mul(rr).intoArray(dHh, dhho + a + 2 * hidden + j, m);
                d.mul(z).intoArray(dhPrev, dhpo + e + j, m);
            }
        }
    }
}
