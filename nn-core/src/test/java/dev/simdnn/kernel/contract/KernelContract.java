package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.*;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every family's conformance suite shares: the backend under test, the {@link Covers}
 * annotation and its count guard, edge sizes, tolerances and random inputs. Each family has a
 * suite of its own ({@link BlasContractTest}, {@link ActivationsContractTest},
 * {@link LossesContractTest}, {@link UpdatesContractTest}, {@link NormsContractTest}) that checks
 * each operation against an independent double-precision reference written in the test (GEMM
 * also against EJML), with tolerances derived from the operation, plus hand-computed known
 * answers (the reference could be wrong too). Backends subclass every suite and name themselves
 * in {@link #kernels()}.
 */
public abstract class KernelContract {
    /** The backend under test. */
    protected abstract Kernels kernels();

    /** Unit roundoff of float32. */
    protected static final double U = Math.ulp(1.0f) / 2;

    /** Names the {@link Kernels} methods a test of this suite checks. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    protected @interface Covers {
        String[] value();
    }

    /** Sizes that hit every edge of a blocked or vectorised loop; subclasses may add their block sizes. */
    protected List<Integer> edgeSizes() {
        return List.of(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 61);
    }

    /** Relative accuracy of the backend's elementwise transcendental functions (exp, tanh…). */
    protected double activationRelativeTolerance() {
        return 4 * U;
    }

    // ================================================================== dense and activations

    protected static List<Activation> allActivations() {
        return List.of(Activation.IDENTITY, Activation.STEP, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.01f), Activation.elu(1f), Activation.SELU, Activation.GELU, Activation.GELU_ERF,
                Activation.SWISH, Activation.SOFTPLUS);
    }

    protected static float[] random(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-scale, scale);
        }
        return x;
    }

    /**
     * Every method of {@code family} has a cross-check in {@code suite} (a new kernel without its
     * twin fails the build), the family has {@code expected} methods, and no {@link Covers} names a
     * method the family does not have.
     */
    protected static void assertEveryMethodCovered(Class<?> family, Class<?> suite, int expected) {
        Set<String> covered = new TreeSet<>();
        for (Method m : suite.getDeclaredMethods()) {
            Covers c = m.getAnnotation(Covers.class);
            if (c != null) {
                covered.addAll(Arrays.asList(c.value()));
            }
        }
        Set<String> contract = new TreeSet<>();
        for (Method m : family.getDeclaredMethods()) {
            if (!m.isSynthetic()) {
                contract.add(m.getName());
            }
        }
        assertEquals(expected, contract.size(), "the number of " + family.getSimpleName()
                + " methods changed: update " + suite.getSimpleName() + " " + contract);
        Set<String> missing = new TreeSet<>(contract);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), family.getSimpleName() + " methods without a cross-check: " + missing);
        Set<String> stale = new TreeSet<>(covered);
        stale.removeAll(contract);
        assertTrue(stale.isEmpty(), "@Covers in " + suite.getSimpleName() + " names no " + family.getSimpleName()
                + " method: " + stale);
    }
}
