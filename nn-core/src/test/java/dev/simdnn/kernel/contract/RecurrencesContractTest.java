package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.Recurrences;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@link Recurrences} contract, for every backend: each cell step against torch's equations in
 * double, and each backward against central differences of that double forward.
 */
public abstract class RecurrencesContractTest extends KernelContract {

    @Test
    void everyRecurrencesMethodIsCovered() {
        assertEveryMethodCovered(Recurrences.class, RecurrencesContractTest.class, 4);
    }

    private static double sig(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** LSTM in double: pre [4H] and c' give (h, c). */
    private static double[] lstm(double[] pre, double[] cPrev, int h) {
        double[] out = new double[2 * h];
        for (int j = 0; j < h; j++) {
            double i = sig(pre[j]), f = sig(pre[h + j]), g = Math.tanh(pre[2 * h + j]), o = sig(pre[3 * h + j]);
            double c = f * cPrev[j] + i * g;
            out[j] = o * Math.tanh(c);
            out[h + j] = c;
        }
        return out;
    }

    @Test
    @Covers({"lstmForward", "lstmBackward"})
    void lstmStepMatchesTheEquationsAndItsDerivatives() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int hidden : new int[] {1, 5, 17}) {
            int rows = 3;
            float[] pre = random(rng, rows * 4 * hidden, 2);
            float[] cPrev = random(rng, rows * hidden, 1);
            float[] gates = pre.clone();
            float[] c = new float[rows * hidden], tc = new float[rows * hidden], h = new float[rows * hidden];
            kernels().recurrences().lstmForward(rows, hidden, gates, 0, cPrev, 0, c, 0, tc, 0, h, 0);
            float[] dh = random(rng, rows * hidden, 1);
            float[] dcNext = random(rng, rows * hidden, 1);
            float[] dc = dcNext.clone();
            float[] dGates = new float[rows * 4 * hidden];
            kernels().recurrences().lstmBackward(rows, hidden, gates, 0, cPrev, 0, tc, 0, dh, 0, dc, 0, dGates, 0);
            for (int r = 0; r < rows; r++) {
                double[] p = new double[4 * hidden];
                double[] cp = new double[hidden];
                for (int j = 0; j < 4 * hidden; j++) {
                    p[j] = pre[r * 4 * hidden + j];
                }
                for (int j = 0; j < hidden; j++) {
                    cp[j] = cPrev[r * hidden + j];
                }
                double[] want = lstm(p, cp, hidden);
                for (int j = 0; j < hidden; j++) {
                    assertEquals(want[j], h[r * hidden + j], 8 * U, "h");
                    assertEquals(want[hidden + j], c[r * hidden + j], 8 * U * (1 + Math.abs(want[hidden + j])), "c");
                }
                // L = Σ dh·h + Σ dcNext·c: its derivatives by central differences
                final int row = r;
                java.util.function.Function<double[], Double> loss = pp -> {
                    double[] o = lstm(pp, cp, hidden);
                    double s = 0;
                    for (int j = 0; j < hidden; j++) {
                        s += dh[row * hidden + j] * o[j] + dcNext[row * hidden + j] * o[hidden + j];
                    }
                    return s;
                };
                for (int j = 0; j < 4 * hidden; j++) {
                    double[] a = p.clone(), b = p.clone();
                    a[j] += 1e-5;
                    b[j] -= 1e-5;
                    double num = (loss.apply(a) - loss.apply(b)) / 2e-5;
                    assertEquals(num, dGates[r * 4 * hidden + j], 1e-4 * (1 + Math.abs(num)), "dGates " + j);
                }
                double[] cpa = cp.clone();
                for (int j = 0; j < hidden; j++) {
                    double[] ca = cpa.clone(), cb = cpa.clone();
                    ca[j] += 1e-5;
                    cb[j] -= 1e-5;
                    double la = 0, lb = 0;
                    double[] oa = lstm(p, ca, hidden), ob = lstm(p, cb, hidden);
                    for (int q = 0; q < hidden; q++) {
                        la += dh[r * hidden + q] * oa[q] + dcNext[r * hidden + q] * oa[hidden + q];
                        lb += dh[r * hidden + q] * ob[q] + dcNext[r * hidden + q] * ob[hidden + q];
                    }
                    double num = (la - lb) / 2e-5;
                    assertEquals(num, dc[r * hidden + j], 1e-4 * (1 + Math.abs(num)), "dc'");
                }
            }
        }
    }

    /** GRU in double: ih [3H], hh [3H], h' give h. */
    private static double[] gru(double[] ih, double[] hh, double[] hPrev, int h) {
        double[] out = new double[h];
        for (int j = 0; j < h; j++) {
            double r = sig(ih[j] + hh[j]), z = sig(ih[h + j] + hh[h + j]);
            double n = Math.tanh(ih[2 * h + j] + r * hh[2 * h + j]);
            out[j] = (1 - z) * n + z * hPrev[j];
        }
        return out;
    }

    @Test
    @Covers({"gruForward", "gruBackward"})
    void gruStepMatchesTheEquationsAndItsDerivatives() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int hidden : new int[] {1, 5, 17}) {
            int rows = 2;
            float[] ih = random(rng, rows * 3 * hidden, 2), hh = random(rng, rows * 3 * hidden, 2);
            float[] hPrev = random(rng, rows * hidden, 1);
            float[] gates = new float[rows * 3 * hidden], h = new float[rows * hidden];
            kernels().recurrences().gruForward(rows, hidden, ih, 0, hh, 0, hPrev, 0, gates, 0, h, 0);
            float[] dh = random(rng, rows * hidden, 1);
            float[] dIh = new float[rows * 3 * hidden], dHh = new float[rows * 3 * hidden], dhPrev = new float[rows * hidden];
            kernels().recurrences().gruBackward(rows, hidden, gates, 0, hh, 0, hPrev, 0, dh, 0, dIh, 0, dHh, 0, dhPrev, 0);
            for (int r = 0; r < rows; r++) {
                double[] a = new double[3 * hidden], b = new double[3 * hidden], hp = new double[hidden];
                for (int j = 0; j < 3 * hidden; j++) {
                    a[j] = ih[r * 3 * hidden + j];
                    b[j] = hh[r * 3 * hidden + j];
                }
                for (int j = 0; j < hidden; j++) {
                    hp[j] = hPrev[r * hidden + j];
                }
                double[] want = gru(a, b, hp, hidden);
                for (int j = 0; j < hidden; j++) {
                    assertEquals(want[j], h[r * hidden + j], 8 * U, "h");
                }
                final int row = r;
                for (int which = 0; which < 3; which++) {
                    double[] base = which == 0 ? a : which == 1 ? b : hp;
                    float[] got = which == 0 ? dIh : which == 1 ? dHh : dhPrev;
                    int width = which == 2 ? hidden : 3 * hidden;
                    for (int j = 0; j < width; j++) {
                        double[] up = base.clone(), down = base.clone();
                        up[j] += 1e-5;
                        down[j] -= 1e-5;
                        double lu = 0, ld = 0;
                        double[] ou = which == 0 ? gru(up, b, hp, hidden) : which == 1 ? gru(a, up, hp, hidden) : gru(a, b, up, hidden);
                        double[] od = which == 0 ? gru(down, b, hp, hidden) : which == 1 ? gru(a, down, hp, hidden) : gru(a, b, down, hidden);
                        for (int q = 0; q < hidden; q++) {
                            lu += dh[row * hidden + q] * ou[q];
                            ld += dh[row * hidden + q] * od[q];
                        }
                        double num = (lu - ld) / 2e-5;
                        if (which == 2) {
                            // the kernel gives the direct part dh⊙z only: the rest flows through hh
                            double z = sig(a[hidden + j] + b[hidden + j]);
                            num = dh[row * hidden + j] * z;
                        }
                        assertEquals(num, got[r * width + j], 1e-4 * (1 + Math.abs(num)), "gradient " + which + " " + j);
                    }
                }
            }
        }
    }
}
