package dev.simdnn.simd.gemm;

import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM block sizes, one table for every size threshold, chosen per species and overridable by
 * system properties ({@code -Dsimdnn.gemm.kc=…}, {@code .mc}, {@code .nc}, {@code .parallelMinFlops}).
 *
 * @param mr               rows of the register tile (fixed by {@link MicroKernel12xTwoVectors}: 12)
 * @param nr               columns of the register tile: two vectors (32 floats at 512 bits)
 * @param kc               depth of a k-slice: a packed B sliver (kc × nr) plus an A sliver
 *                         (mr × kc) stay in L1 while the tile is computed (256: 32 + 12 KiB at 512
 *                         bits of Zen 5's 48 KiB L1d)
 * @param mc               rows of a packed A block (mc × kc) that stays in L2 (192 × 256 floats = 192 KiB of 1 MiB)
 * @param nc               columns of a packed B panel (kc × nc) that stays in L3 (4096: 4 MiB)
 * @param parallelMinFlops products smaller than this many multiply-adds (m·n·k) stay on the calling
 *                         thread: waking a worker costs more than it saves
 */
public record Blocking(int mr, int nr, int kc, int mc, int nc, long parallelMinFlops) {

    public Blocking {
        if (mr != MicroKernel12xTwoVectors.MR || kc < 1 || mc < mr || mc % mr != 0 || nc < nr || nc % nr != 0) {
            throw new IllegalArgumentException("inconsistent GEMM blocking: mr=" + mr + " nr=" + nr + " kc=" + kc
                    + " mc=" + mc + " (a multiple of mr) nc=" + nc + " (a multiple of nr)");
        }
    }

    /** The table for a species, with any system-property overrides applied. */
    public static Blocking forSpecies(VectorSpecies<Float> species) {
        int nr = 2 * species.length();
        int mr = MicroKernel12xTwoVectors.MR;
        int kc = Integer.getInteger("simdnn.gemm.kc", 256);
        int mc = Integer.getInteger("simdnn.gemm.mc", 192);
        int nc = Integer.getInteger("simdnn.gemm.nc", 4096);
        long par = Long.getLong("simdnn.gemm.parallelMinFlops", 1L << 19);
        return new Blocking(mr, nr, kc, roundUp(mc, mr), roundUp(nc, nr), par);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
