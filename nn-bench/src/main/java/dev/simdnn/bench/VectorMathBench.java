package dev.simdnn.bench;

import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.math.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * exp and tanh over 32,768 floats: simdnn's own polynomials ({@link VectorMath}, exact-operation
 * arithmetic, identical bits in every JIT tier) against the Vector API's {@link VectorOperators}
 * (SVML stubs once compiled, {@code Math} per lane before). Elements per second.
 *
 * <pre>./simdnn bench VectorMathBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class VectorMathBench {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int N = 32768;
    private final float[] x = new float[N];
    private final float[] y = new float[N];

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Elements {
        public long elements;
    }

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < N; i++) {
            x[i] = (float) rng.nextDouble(-10, 10);
        }
    }

    @Benchmark
    public float expPolynomial(Elements e) {
        for (int i = 0; i < N; i += S.length()) {
            VectorMath.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        e.elements += N;
        return y[7];
    }

    @Benchmark
    public float expVectorOperators(Elements e) {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        e.elements += N;
        return y[7];
    }

    @Benchmark
    public float tanhPolynomial(Elements e) {
        for (int i = 0; i < N; i += S.length()) {
            VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        e.elements += N;
        return y[7];
    }

    @Benchmark
    public float tanhVectorOperators(Elements e) {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        }
        e.elements += N;
        return y[7];
    }
}
