package dev.simdnn.report;

import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's single-core FMA peak as Java sees it: sixteen independent vector FMA chains (enough
 * to cover the FMA latency on every current x86 core), no memory traffic. Reported in GFLOP/s
 * (2 flops per lane per FMA), the best of a few runs.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;

    private FmaPeak() {
    }

    public static double measureGflops() {
        double best = 0;
        for (int round = 0; round < 6; round++) {
            long iterations = 2_000_000;
            long t0 = System.nanoTime();
            float sink = chains(iterations);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double gflops = 16.0 * iterations * S.length() * 2 / seconds / 1e9;
            if (sink != 42f) { // keep the result alive
                best = Math.max(best, gflops);
            }
        }
        return best;
    }

    private static float chains(long n) {
        FloatVector a = FloatVector.broadcast(S, 0.999f);
        FloatVector b = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (long i = 0; i < n; i++) {
            c0 = a.fma(c0, b);
            c1 = a.fma(c1, b);
            c2 = a.fma(c2, b);
            c3 = a.fma(c3, b);
            c4 = a.fma(c4, b);
            c5 = a.fma(c5, b);
            c6 = a.fma(c6, b);
            c7 = a.fma(c7, b);
            c8 = a.fma(c8, b);
            c9 = a.fma(c9, b);
            c10 = a.fma(c10, b);
            c11 = a.fma(c11, b);
            c12 = a.fma(c12, b);
            c13 = a.fma(c13, b);
            c14 = a.fma(c14, b);
            c15 = a.fma(c15, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .add(c12).add(c13).add(c14).add(c15).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
