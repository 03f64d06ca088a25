package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Updates;

/**
 * The scalar reference of {@link Updates}: plain loops, one element at a time, sums in
 * {@code double} (see {@link ScalarKernels}). Stateless and thread-safe.
 */
public final class ScalarUpdates implements Updates {
    /** The one instance; the class has no state. */
    public static final ScalarUpdates INSTANCE = new ScalarUpdates();

    private ScalarUpdates() {
    }

    @Override
    public void sgdUpdate(int n, float lr, float weightDecay, float[] w, int wOffset, float[] g, int gOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            w[wOffset + i] = wi - lr * (g[gOffset + i] + weightDecay * wi);
        }
    }

    @Override
    public void momentumUpdate(int n, float lr, float momentum, boolean nesterov, float weightDecay,
                               float[] w, int wOffset, float[] g, int gOffset, float[] v, int vOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i] + weightDecay * wi;
            float vi = Subnormals.flush(momentum * v[vOffset + i] + gi);
            v[vOffset + i] = vi;
            w[wOffset + i] = wi - lr * (nesterov ? gi + momentum * vi : vi);
        }
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float epsilon, float weightDecay,
                           boolean decoupled, int t,
                           float[] w, int wOffset, float[] g, int gOffset,
                           float[] m, int mOffset, float[] v, int vOffset) {
        float step = (float) (lr / (1.0 - Math.pow(beta1, t)));
        float invSqrtBias2 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i];
            if (decoupled) {
                wi -= lr * weightDecay * wi;
            } else {
                gi += weightDecay * wi;
            }
            float mi = Subnormals.flush(beta1 * m[mOffset + i] + (1f - beta1) * gi);
            float vi = Subnormals.flush(beta2 * v[vOffset + i] + (1f - beta2) * gi * gi);
            m[mOffset + i] = mi;
            v[vOffset + i] = vi;
            // √v̂ = √v/√(1-β2^t), lr·m̂ = step·m: PyTorch's own arrangement of the update
            w[wOffset + i] = wi - step * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + epsilon);
        }
    }

    @Override
    public void adagradUpdate(int n, float lr, float epsilon, float weightDecay,
                              float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i] + weightDecay * wi;
            float si = s[sOffset + i] + gi * gi;
            s[sOffset + i] = si;
            w[wOffset + i] = wi - lr * gi / ((float) Math.sqrt(si) + epsilon);
        }
    }

    @Override
    public void rmspropUpdate(int n, float lr, float rho, float epsilon, float weightDecay,
                              float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i] + weightDecay * wi;
            float si = Subnormals.flush(rho * s[sOffset + i] + (1f - rho) * gi * gi);
            s[sOffset + i] = si;
            w[wOffset + i] = wi - lr * gi / ((float) Math.sqrt(si) + epsilon);
        }
    }

    @Override
    public float elasticNetPenalty(int n, float l1, float l2, float[] w, int wOffset, float[] g, int gOffset) {
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            float v = w[wOffset + i];
            abs += Math.abs(v);
            sq += (double) v * v;
            if (g != null) {
                g[gOffset + i] += l1 * Math.signum(v) + l2 * v;
            }
        }
        return (float) (l1 * abs + 0.5 * l2 * sq);
    }
}
