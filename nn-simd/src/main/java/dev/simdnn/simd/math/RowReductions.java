package dev.simdnn.simd.math;

import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row reductions shared by several families (softmax, cross-entropy, argmax): the row maximum
 * and sums of shifted values, each with a fixed-order lane sum ({@link Lanes}).
 */
public final class RowReductions {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private RowReductions() {
    }

    public static float max(int n, float[] x, int off) {
        if (n < L) { // a row shorter than a vector (a 10-class output): no vector to fill
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                m = Math.max(m, x[off + j]);
            }
            return m;
        }
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j <= n - L; j += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + j));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            m = Math.max(m, x[off + j]);
        }
        return m;
    }

    public static float sumShifted(int n, float[] x, int off, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            acc = acc.add(FloatVector.fromArray(S, x, off + j, m).sub(shift).blend(0f, m.not()));
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0);
    }

    public static float sumExpShifted(int n, float[] x, int off, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            // masked-off lanes would be exp(0 - shift): blend them to zero
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, off + j, m).sub(shift)).blend(0f, m.not()));
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0);
    }
}
