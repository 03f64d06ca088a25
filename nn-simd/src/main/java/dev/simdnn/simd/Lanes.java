package dev.simdnn.simd;

import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Constants for summing a vector's lanes in one fixed order, the same whether the code runs
 * interpreted, in C1 or in C2. Every kernel reduces an accumulator {@code v} with these four
 * lines, written out where it is needed:
 *
 * <pre>{@code
 * v = v.add(v.rearrange(Lanes.R8, Lanes.M8));
 * v = v.add(v.rearrange(Lanes.R4, Lanes.M4));
 * v = v.add(v.rearrange(Lanes.R2));
 * v = v.add(v.rearrange(Lanes.R1));   // v.lane(0) is the sum
 * }</pre>
 *
 * <p>Why not {@code reduceLanes(VectorOperators.ADD)}: it promises no order for floats and does
 * not keep one. Its Java fallback adds lane 0, 1, 2, … in turn while C2's intrinsic adds in a
 * tree, so the same inputs gave different last bits before and after the JIT compiled the caller
 * (on 677 of 1000 random 16-lane vectors here); batch-1 predictions, softmax gradients and layer
 * norm then depended on JIT timing. The lines above are a tree by halves (lane {@code i} plus
 * lane {@code i + L/2}, then {@code + L/4}, …), each step a lanewise add of a rearranged copy,
 * which the fallback and the intrinsic compute exactly alike.
 *
 * <p>Why written out rather than a helper method: a helper taking a vector is an ordinary method
 * to C2, and in large kernels it was refused ("callee is too large", "NodeCountInliningCutoff"),
 * so the vector was boxed on every call; the Vector API methods used inline are force-inlined.
 */
public final class Lanes {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    /** Rotation by 8 lanes, applied only at 16 lanes ({@link #M8}). */
    public static final VectorShuffle<Float> R8 = rotation(8);
    /** Rotation by 4 lanes, applied from 8 lanes up ({@link #M4}). */
    public static final VectorShuffle<Float> R4 = rotation(4);
    /** Rotation by 2 lanes. */
    public static final VectorShuffle<Float> R2 = rotation(2);
    /** Rotation by 1 lane. */
    public static final VectorShuffle<Float> R1 = rotation(1);
    /** All lanes at 16 lanes; none below (the step then adds zero, exactly). */
    public static final VectorMask<Float> M8 = S.maskAll(L >= 16);
    /** All lanes from 8 lanes up; none at 4. */
    public static final VectorMask<Float> M4 = S.maskAll(L >= 8);

    // Four sums at once (SmallGemm.dot4), same tree per vector: see its comment.
    /** Rotation by L/2. */
    public static final VectorShuffle<Float> HALF = rotation(L / 2);
    /** Rotation by L/4. */
    public static final VectorShuffle<Float> QUARTER = rotation(L / 4);
    /** Rotation by L - L/4 (back by a quarter). */
    public static final VectorShuffle<Float> MINUS_QUARTER = rotation(L - L / 4);
    /** Lanes L/2 and up. */
    public static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << (L / 2)) - 1));
    /** The second quarter of each half: lanes i with i mod L/2 >= L/4. */
    public static final VectorMask<Float> SECOND_QUARTERS = secondQuarters();

    private static VectorMask<Float> secondQuarters() {
        long bits = 0;
        for (int i = 0; i < L; i++) {
            if (i % (L / 2) >= L / 4) {
                bits |= 1L << i;
            }
        }
        return VectorMask.fromLong(S, bits);
    }

    private Lanes() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        return VectorShuffle.fromOp(S, i -> (i + by) % L);
    }
}
