package dev.simdnn.simd.recurrences;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Recurrences;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.activations.SimdActivations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The cells' element-wise steps on vectors: per row, the {@code hidden} units {@code L} at a time
 * and the rest as scalars with the same operations (no masked vectors: a masked load that reaches
 * past an array's end is not compiled to one instruction, and its vectors are boxed), σ and tanh by {@link SimdActivations} (the polynomials of
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
        int full = hidden - hidden % L; // units in whole vectors; the rest run as scalars, the same operations
        for (int r = 0; r < rows; r++) {
            int g = go + r * w;
            ACT.activationForward(Activation.SIGMOID, 2 * hidden, gates, g, gates, g); // i, f
            ACT.activationForward(Activation.TANH, hidden, gates, g + 2 * hidden, gates, g + 2 * hidden); // g
            ACT.activationForward(Activation.SIGMOID, hidden, gates, g + 3 * hidden, gates, g + 3 * hidden); // o
            int e = r * hidden;
            int j = 0;
            for (; j < full; j += L) { // c = f⊙c' + i⊙g
                FloatVector i = FloatVector.fromArray(S, gates, g + j);
                FloatVector f = FloatVector.fromArray(S, gates, g + hidden + j);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * hidden + j);
                FloatVector fc = f.mul(FloatVector.fromArray(S, cPrev, cpo + e + j));
                (FMA ? i.fma(gg, fc) : fc.add(i.mul(gg))).intoArray(c, co + e + j);
            }
            for (; j < hidden; j++) {
                float fc = gates[g + hidden + j] * cPrev[cpo + e + j];
                float i = gates[g + j];
                float gg = gates[g + 2 * hidden + j];
                c[co + e + j] = FMA ? Math.fma(i, gg, fc) : fc + i * gg;
            }
        }
        ACT.activationForward(Activation.TANH, rows * hidden, c, co, tanhC, to);
        for (int r = 0; r < rows; r++) { // h = o⊙tanh(c)
            int g = go + r * w + 3 * hidden;
            int e = r * hidden;
            int j = 0;
            for (; j < full; j += L) {
                FloatVector.fromArray(S, gates, g + j).mul(FloatVector.fromArray(S, tanhC, to + e + j))
                        .intoArray(h, ho + e + j);
            }
            for (; j < hidden; j++) {
                h[ho + e + j] = gates[g + j] * tanhC[to + e + j];
            }
        }
    }

    @Override
    public void lstmBackward(int rows, int hidden, float[] gates, int go, float[] cPrev, int cpo, float[] tanhC, int to,
                             float[] dh, int dho, float[] dc, int dco, float[] dGates, int dgo) {
        int full = hidden - hidden % L;
        for (int r = 0; r < rows; r++) {
            int g = go + r * 4 * hidden;
            int dg = dgo + r * 4 * hidden;
            int e = r * hidden;
            int j = 0;
            for (; j < full; j += L) {
                FloatVector i = FloatVector.fromArray(S, gates, g + j);
                FloatVector f = FloatVector.fromArray(S, gates, g + hidden + j);
                FloatVector gg = FloatVector.fromArray(S, gates, g + 2 * hidden + j);
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * hidden + j);
                FloatVector tc = FloatVector.fromArray(S, tanhC, to + e + j);
                FloatVector dhv = FloatVector.fromArray(S, dh, dho + e + j);
                // dc + dh·o·(1 − tc²)
                FloatVector dcv = FloatVector.fromArray(S, dc, dco + e + j).add(dhv.mul(o).mul(tc.mul(tc).neg().add(1f)));
                dcv.mul(gg).mul(i).mul(i.neg().add(1f)).intoArray(dGates, dg + j);
                dcv.mul(FloatVector.fromArray(S, cPrev, cpo + e + j)).mul(f).mul(f.neg().add(1f))
                        .intoArray(dGates, dg + hidden + j);
                dcv.mul(i).mul(gg.mul(gg).neg().add(1f)).intoArray(dGates, dg + 2 * hidden + j);
                dhv.mul(tc).mul(o).mul(o.neg().add(1f)).intoArray(dGates, dg + 3 * hidden + j);
                dcv.mul(f).intoArray(dc, dco + e + j);
            }
            for (; j < hidden; j++) {
                float i = gates[g + j], f = gates[g + hidden + j], gg = gates[g + 2 * hidden + j], o = gates[g + 3 * hidden + j];
                float tc = tanhC[to + e + j];
                float dhv = dh[dho + e + j];
                float dcv = dc[dco + e + j] + dhv * o * (1 - tc * tc);
                dGates[dg + j] = dcv * gg * i * (1 - i);
                dGates[dg + hidden + j] = dcv * cPrev[cpo + e + j] * f * (1 - f);
                dGates[dg + 2 * hidden + j] = dcv * i * (1 - gg * gg);
                dGates[dg + 3 * hidden + j] = dhv * tc * o * (1 - o);
                dc[dco + e + j] = dcv * f;
            }
        }
    }

    @Override
    public void gruForward(int rows, int hidden, float[] ih, int iho, float[] hh, int hho, float[] hPrev, int hpo,
                           float[] gates, int go, float[] h, int ho) {
        int full = hidden - hidden % L;
        int full2 = 2 * hidden - 2 * hidden % L;
        for (int r = 0; r < rows; r++) {
            int a = r * 3 * hidden;
            int j = 0;
            for (; j < full2; j += L) { // r, z pre-activations: ih + hh
                FloatVector.fromArray(S, ih, iho + a + j).add(FloatVector.fromArray(S, hh, hho + a + j))
                        .intoArray(gates, go + a + j);
            }
            for (; j < 2 * hidden; j++) {
                gates[go + a + j] = ih[iho + a + j] + hh[hho + a + j];
            }
            ACT.activationForward(Activation.SIGMOID, 2 * hidden, gates, go + a, gates, go + a);
            int nOff = a + 2 * hidden;
            for (j = 0; j < full; j += L) { // n pre-activation: ih_n + r⊙hh_n
                FloatVector rr = FloatVector.fromArray(S, gates, go + a + j);
                FloatVector.fromArray(S, ih, iho + nOff + j).add(rr.mul(FloatVector.fromArray(S, hh, hho + nOff + j)))
                        .intoArray(gates, go + nOff + j);
            }
            for (; j < hidden; j++) {
                gates[go + nOff + j] = ih[iho + nOff + j] + gates[go + a + j] * hh[hho + nOff + j];
            }
            ACT.activationForward(Activation.TANH, hidden, gates, go + nOff, gates, go + nOff);
            int e = r * hidden;
            for (j = 0; j < full; j += L) { // (1 − z)⊙n + z⊙h', in the reference's order
                FloatVector z = FloatVector.fromArray(S, gates, go + a + hidden + j);
                FloatVector n = FloatVector.fromArray(S, gates, go + nOff + j);
                z.neg().add(1f).mul(n).add(z.mul(FloatVector.fromArray(S, hPrev, hpo + e + j))).intoArray(h, ho + e + j);
            }
            for (; j < hidden; j++) {
                float z = gates[go + a + hidden + j];
                h[ho + e + j] = (1 - z) * gates[go + nOff + j] + z * hPrev[hpo + e + j];
            }
        }
    }

    @Override
    public void gruBackward(int rows, int hidden, float[] gates, int go, float[] hh, int hho, float[] hPrev, int hpo,
                            float[] dh, int dho, float[] dIh, int dio, float[] dHh, int dhho, float[] dhPrev, int dhpo) {
        int full = hidden - hidden % L;
        for (int r = 0; r < rows; r++) {
            int a = r * 3 * hidden;
            int e = r * hidden;
            int j = 0;
            for (; j < full; j += L) {
                FloatVector rr = FloatVector.fromArray(S, gates, go + a + j);
                FloatVector z = FloatVector.fromArray(S, gates, go + a + hidden + j);
                FloatVector n = FloatVector.fromArray(S, gates, go + a + 2 * hidden + j);
                FloatVector d = FloatVector.fromArray(S, dh, dho + e + j);
                FloatVector dn = d.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
                FloatVector dz = d.mul(FloatVector.fromArray(S, hPrev, hpo + e + j).sub(n)).mul(z).mul(z.neg().add(1f));
                FloatVector dr = dn.mul(FloatVector.fromArray(S, hh, hho + a + 2 * hidden + j)).mul(rr).mul(rr.neg().add(1f));
                dr.intoArray(dIh, dio + a + j);
                dz.intoArray(dIh, dio + a + hidden + j);
                dn.intoArray(dIh, dio + a + 2 * hidden + j);
                dr.intoArray(dHh, dhho + a + j);
                dz.intoArray(dHh, dhho + a + hidden + j);
                dn.mul(rr).intoArray(dHh, dhho + a + 2 * hidden + j);
                d.mul(z).intoArray(dhPrev, dhpo + e + j);
            }
            for (; j < hidden; j++) {
                float rr = gates[go + a + j], z = gates[go + a + hidden + j], n = gates[go + a + 2 * hidden + j];
                float d = dh[dho + e + j];
                float dn = d * (1 - z) * (1 - n * n);
                float dz = d * (hPrev[hpo + e + j] - n) * z * (1 - z);
                float dr = dn * hh[hho + a + 2 * hidden + j] * rr * (1 - rr);
                dIh[dio + a + j] = dr;
                dIh[dio + a + hidden + j] = dz;
                dIh[dio + a + 2 * hidden + j] = dn;
                dHh[dhho + a + j] = dr;
                dHh[dhho + a + hidden + j] = dz;
                dHh[dhho + a + 2 * hidden + j] = dn * rr;
                dhPrev[dhpo + e + j] = d * z;
            }
        }
    }
}
