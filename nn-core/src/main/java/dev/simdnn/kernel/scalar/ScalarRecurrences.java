package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Recurrences;

/** The reference {@link Recurrences}: the cell equations element by element, σ and tanh in double. */
public final class ScalarRecurrences implements Recurrences {
    public static final ScalarRecurrences INSTANCE = new ScalarRecurrences();

    private ScalarRecurrences() {
    }

    private static float sigmoid(float z) {
        return (float) Activation.sigmoid(z);
    }

    private static float tanh(float z) {
        return (float) Math.tanh(z);
    }

    @Override
    public void lstmForward(int rows, int hidden, float[] gates, int go, float[] cPrev, int cpo, float[] c, int co,
                            float[] tanhC, int to, float[] h, int ho) {
        for (int r = 0; r < rows; r++) {
            int g = go + r * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                float i = sigmoid(gates[g + j]);
                float f = sigmoid(gates[g + hidden + j]);
                float gg = tanh(gates[g + 2 * hidden + j]);
                float o = sigmoid(gates[g + 3 * hidden + j]);
                gates[g + j] = i;
                gates[g + hidden + j] = f;
                gates[g + 2 * hidden + j] = gg;
                gates[g + 3 * hidden + j] = o;
                int e = r * hidden + j;
                float cv = f * cPrev[cpo + e] + i * gg;
                c[co + e] = cv;
                float tc = tanh(cv);
                tanhC[to + e] = tc;
                h[ho + e] = o * tc;
            }
        }
    }

    @Override
    public void lstmBackward(int rows, int hidden, float[] gates, int go, float[] cPrev, int cpo, float[] tanhC, int to,
                             float[] dh, int dho, float[] dc, int dco, float[] dGates, int dgo) {
        for (int r = 0; r < rows; r++) {
            int g = go + r * 4 * hidden;
            int dg = dgo + r * 4 * hidden;
            for (int j = 0; j < hidden; j++) {
                int e = r * hidden + j;
                float i = gates[g + j], f = gates[g + hidden + j], gg = gates[g + 2 * hidden + j], o = gates[g + 3 * hidden + j];
                float tc = tanhC[to + e];
                float dhv = dh[dho + e];
                float dcv = dc[dco + e] + dhv * o * (1 - tc * tc);
                dGates[dg + j] = dcv * gg * i * (1 - i);
                dGates[dg + hidden + j] = dcv * cPrev[cpo + e] * f * (1 - f);
                dGates[dg + 2 * hidden + j] = dcv * i * (1 - gg * gg);
                dGates[dg + 3 * hidden + j] = dhv * tc * o * (1 - o);
                dc[dco + e] = dcv * f;
            }
        }
    }

    @Override
    public void gruForward(int rows, int hidden, float[] ih, int iho, float[] hh, int hho, float[] hPrev, int hpo,
                           float[] gates, int go, float[] h, int ho) {
        for (int r = 0; r < rows; r++) {
            int a = r * 3 * hidden;
            for (int j = 0; j < hidden; j++) {
                float rr = sigmoid(ih[iho + a + j] + hh[hho + a + j]);
                float z = sigmoid(ih[iho + a + hidden + j] + hh[hho + a + hidden + j]);
                float n = tanh(ih[iho + a + 2 * hidden + j] + rr * hh[hho + a + 2 * hidden + j]);
                gates[go + a + j] = rr;
                gates[go + a + hidden + j] = z;
                gates[go + a + 2 * hidden + j] = n;
                int e = r * hidden + j;
                h[ho + e] = (1 - z) * n + z * hPrev[hpo + e];
            }
        }
    }

    @Override
    public void gruBackward(int rows, int hidden, float[] gates, int go, float[] hh, int hho, float[] hPrev, int hpo,
                            float[] dh, int dho, float[] dIh, int dio, float[] dHh, int dhho, float[] dhPrev, int dhpo) {
        for (int r = 0; r < rows; r++) {
            int a = r * 3 * hidden;
            for (int j = 0; j < hidden; j++) {
                int e = r * hidden + j;
                float rr = gates[go + a + j], z = gates[go + a + hidden + j], n = gates[go + a + 2 * hidden + j];
                float d = dh[dho + e];
                float dn = d * (1 - z) * (1 - n * n);              // through n = tanh(·)
                float dz = d * (hPrev[hpo + e] - n) * z * (1 - z); // through z = σ(·)
                float dr = dn * hh[hho + a + 2 * hidden + j] * rr * (1 - rr);
                dIh[dio + a + j] = dr;
                dIh[dio + a + hidden + j] = dz;
                dIh[dio + a + 2 * hidden + j] = dn;
                dHh[dhho + a + j] = dr;
                dHh[dhho + a + hidden + j] = dz;
                dHh[dhho + a + 2 * hidden + j] = dn * rr;
                dhPrev[dhpo + e] = d * z;
            }
        }
    }
}
