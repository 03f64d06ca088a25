package dev.simdnn.simd.gemm;

/**
 * One thread's packing buffers and tile. They grow to the largest block seen and are then reused,
 * so steady-state GEMM calls allocate nothing.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> PER_THREAD = ThreadLocal.withInitial(Workspace::new);

    float[] packedA = new float[0];
    float[] packedB = new float[0];
    final float[] tile = new float[MicroKernel12xTwoVectors.MR * MicroKernel12xTwoVectors.NR];

    float[] row = new float[0];

    static Workspace current() {
        return PER_THREAD.get();
    }

    float[] packedA(int floats) {
        if (packedA.length < floats) {
            packedA = new float[floats];
        }
        return packedA;
    }

    /** A scratch row of at least {@code floats} (one gathered column of a transposed A). */
    float[] row(int floats) {
        if (row.length < floats) {
            row = new float[floats];
        }
        return row;
    }

    float[] packedB(int floats) {
        if (packedB.length < floats) {
            packedB = new float[floats];
        }
        return packedB;
    }
}
