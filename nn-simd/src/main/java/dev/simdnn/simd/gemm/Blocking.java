package dev.simdnn.simd.gemm;

import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every size threshold of the SIMD backend in one table: the GEMM block sizes, the shapes that take
 * GEMM's direct paths, and the chunk of the kernels that work through a per-thread scratch buffer.
 * Chosen per species; the block sizes are overridable by system properties
 * ({@code -Dsimdnn.gemm.kc=…}, {@code .mc}, {@code .nc}, {@code .parallelMinFlops}).
 *
 * @param mr               rows of the register tile (fixed by {@link MicroKernel12xTwoVectors}: 12)
 * @param nr               columns of the register tile: two vectors (32 floats at 512 bits)
 * @param kc               depth of a k-slice: a packed B sliver (kc × nr) plus an A sliver
 *                         (mr × kc) stay in L1 while the tile is computed (256: 32 + 12 KiB at 512
 *                         bits of Zen 5's 48 KiB L1d)
 * @param mc               rows of a packed A block (mc × kc) that stays in L2 (192 × 256 floats = 192 KiB of 1 MiB)
 * @param nc               columns of a packed B panel (kc × nc) that stays in L3 (4096: 4 MiB)
 * @param parallelMinFlops products smaller than this many multiply-adds (m·n·k) stay on the calling
 *                         thread: waking a worker costs more than it saves. 2^16: the MLP's 10-wide
 *                         products (128·10·128 = 164k) split too; at 2^19 they stayed on one thread
 *                         (JMH GemmBench, two threads, 128×10×128 NT 75.6 → 114.5 GFLOP/s, 64³
 *                         196 → 286; TrainStepBench two threads 314k → 341k samples/s)
 * @param smallM           at most this many rows of C (4) take the direct, unpacked paths
 *                         (batch-1 and small-batch inference): packing would cost more than the product
 * @param narrowN          at most this many columns of C (one vector: the 10-wide output layer) and
 *                         at least 2·nr rows take the transposed packed path, so the tile stays full
 * @param dotBlock         columns of C per pass of the direct broadcast path: four vectors (2·nr),
 *                         fixed by its four accumulators in flight
 * @param chunk            elements per pass of the kernels that stage values in a per-thread scratch
 *                         buffer (binary cross-entropy, softplus): 1024 floats, 4 KiB, stay in L1
 */
public record Blocking(int mr, int nr, int kc, int mc, int nc, long parallelMinFlops,
                       int smallM, int narrowN, int dotBlock, int chunk) {
    /** The table of this JVM's species ({@code SimdConfig.SPECIES}), overrides applied. */
    public static final Blocking CURRENT = forSpecies(SimdConfig.SPECIES);

    public Blocking {
        if (mr != MicroKernel12xTwoVectors.MR || kc < 1 || mc < mr || mc % mr != 0 || nc < nr || nc % nr != 0
                || smallM < 1 || narrowN < 1 || dotBlock != 2 * nr || chunk < 1) {
            throw new IllegalArgumentException("inconsistent GEMM blocking: mr=" + mr + " nr=" + nr + " kc=" + kc
                    + " mc=" + mc + " (a multiple of mr) nc=" + nc + " (a multiple of nr) smallM=" + smallM
                    + " narrowN=" + narrowN + " dotBlock=" + dotBlock + " chunk=" + chunk);
        }
    }

    /** The table for a species, with any system-property overrides applied. */
    public static Blocking forSpecies(VectorSpecies<Float> species) {
        int nr = 2 * species.length();
        int mr = MicroKernel12xTwoVectors.MR;
        int kc = Integer.getInteger("simdnn.gemm.kc", 256);
        int mc = Integer.getInteger("simdnn.gemm.mc", 192);
        int nc = Integer.getInteger("simdnn.gemm.nc", 4096);
        long par = Long.getLong("simdnn.gemm.parallelMinFlops", 1L << 16);
        int lanes = species.length();
        return new Blocking(mr, nr, kc, roundUp(mc, mr), roundUp(nc, nr), par, 4, lanes, 4 * lanes, 1024);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
