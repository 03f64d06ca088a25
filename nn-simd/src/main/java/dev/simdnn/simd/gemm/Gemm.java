package dev.simdnn.simd.gemm;

import java.util.Arrays;

/**
 * SGEMM in the Goto/BLIS structure, row-major, {@code C = alpha·op(A)·op(B) + beta·C}, with an
 * optional fused epilogue (bias, activation, pre-activation kept) for the dense layer.
 *
 * <p>Five loops around {@link MicroKernel12xTwoVectors}:
 * <pre>
 * jc: NC-wide column panels of C and B
 *  pc: KC-deep slices of k; pack B[pc.., jc..] (KC × NC), which then stays in L3
 *   ic: MC-tall row blocks of C and A; pack A[ic.., pc..] (MC × KC), which then stays in L2
 *    jr: NR-wide slivers of the B panel; one sliver (KC × NR) stays in L1 across the ir loop
 *     ir: MR-tall slivers of the A block; the micro-kernel writes a full tile into C,
 *         the epilogue an edge tile
 * </pre>
 * Threads split C into independent column ranges (or row ranges when C is tall and narrow), each
 * running all five loops with its own packing buffers. Every element of C is still computed by one
 * thread, with the same k-slices in the same order, so the result does not depend on the thread
 * count.
 */
public final class Gemm {
    /** The block sizes in force. */
    public static final Blocking BLOCKING = Blocking.CURRENT;
    private static final int MR = BLOCKING.mr();
    private static final int NR = BLOCKING.nr();
    /** Lanes of one vector: half a sliver. */
    private static final int L = NR / 2;
    private static final int KC = BLOCKING.kc();
    private static final int MC = BLOCKING.mc();
    private static final int NC = BLOCKING.nc();
    /** At most this many rows of C: the direct (unpacked) paths. */
    static final int SMALL_M = BLOCKING.smallM();
    /** At most this many columns of C (and at least 2·NR rows): the transposed packed path. */
    static final int NARROW_N = BLOCKING.narrowN();
    /**
     * A sliver of at most this many rows (and full width) runs four rows at a time: the last 8 rows of
     * a batch of 128 or the last 4 of 64. With 9–11 rows the 12-row tile wastes less than the extra
     * passes over the B sliver cost (dW of a 10-wide layer: 98 against 90 GFLOP/s).
     */
    private static final int EDGE_ROWS = 8;
    /** Most columns of C (per thread) for which A's full slivers are read unpacked; see directA. */
    private static final int DIRECT_A_MAX_N = Integer.getInteger("simdnn.gemm.directAMaxN", 512);

    private Gemm() {
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, plus {@code bias[j]} on every row when
     * {@code bias != null} (added after the last k-slice). Arguments are trusted (validated by the
     * caller). Large products are split over {@code pool}'s threads, with results bit-identical
     * to one thread.
     */
    public static void gemm(GemmPool pool, boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc,
                            float[] bias, int biasOff) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k > 0 && alpha != 0f) {
            // Direct paths for shapes packing does not repay; chosen by shape only.
            if (transB && m <= SMALL_M) {
                SmallGemm.dotRows(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                        bias, biasOff, transA ? Workspace.current().row(k) : null);
                return;
            }
            if (!transB && m <= SMALL_M) {
                SmallGemm.broadcastRows(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                        bias, biasOff);
                return;
            }
            if (n <= NARROW_N && m >= 2 * NR) {
                // C is tall and narrow (the 10-wide output layer): compute Cᵀ = op(B)ᵀ·op(A)ᵀ, whose rows
                // are the few columns of C, so the register tile is mostly full; stored transposed. Packing
                // absorbs the swap: op(B)ᵀ is B read with the opposite transposition, likewise A.
                dispatch(pool, !transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc,
                        null, 0, true, null);
                SmallGemm.addBiasRows(m, n, c, cOff, ldc, bias, biasOff);
                return;
            }
        }
        dispatch(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                bias, biasOff, false, null);
    }

    /**
     * B = op(Bsrc) (k × n) packed once in the layout {@link #range} builds per call: every NC-wide
     * column panel, every KC-deep slice, each as {@link Packing#packB} writes it.
     */
    public static final class PackedB {
        final int k;
        final int n;
        final float[] data;
        private final int[] offsets;
        private final int slices;

        private PackedB(int k, int n, float[] data, int[] offsets, int slices) {
            this.k = k;
            this.n = n;
            this.data = data;
            this.offsets = offsets;
            this.slices = slices;
        }

        int offset(int panel, int slice) {
            return offsets[panel * slices + slice];
        }
    }

    /** Packs op(B) (k × n; B is n × k when {@code transB}) once, for {@link #gemmPackedB}. */
    public static PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        int panels = (n + NC - 1) / NC;
        int slices = (k + KC - 1) / KC;
        long total = 0;
        for (int jc = 0; jc < n; jc += NC) {
            total += (long) Blocking.roundUp(Math.min(NC, n - jc), NR) * k;
        }
        float[] data = new float[Math.toIntExact(total)];
        int[] offsets = new int[panels * slices];
        float[] tmp = new float[Blocking.roundUp(Math.min(NC, n), NR) * Math.min(KC, k)];
        int at = 0;
        for (int jc = 0, panel = 0; jc < n; jc += NC, panel++) {
            int nc = Math.min(NC, n - jc);
            int ncPadded = Blocking.roundUp(nc, NR);
            for (int pc = 0, slice = 0; pc < k; pc += KC, slice++) {
                int kc = Math.min(KC, k - pc);
                Packing.packB(tmp, transB, b, bOff, ldb, pc, kc, jc, nc);
                offsets[panel * slices + slice] = at;
                System.arraycopy(tmp, 0, data, at, ncPadded * kc);
                at += ncPadded * kc;
            }
        }
        return new PackedB(k, n, data, offsets, slices);
    }

    /**
     * {@code C = A·B + bias} (beta = 0, alpha = 1) with B packed by {@link #packB}. Every element of C
     * gets the packed path's arithmetic, whatever m is, so a row has the same bits in any batch:
     * <ul>
     *   <li>more than {@code SMALL_M} rows: the same arithmetic in the same order as {@link #gemm} on
     *       the matrix B was packed from, so the same bits (a narrow C is computed from {@code bRaw},
     *       n × k, B's transpose, as the dense layer stores W, exactly as {@code gemm} would: its
     *       transposed route sums each element in the same order);</li>
     *   <li>at most {@code SMALL_M} rows (batch-1 inference): {@link PackedRows}, a GEMV over the
     *       packed panels in the micro-kernel's order. These rows differ in the last bits from
     *       {@code gemm}'s own direct path for few rows, whose dot products sum along k in lanes.</li>
     * </ul>
     */
    public static void gemmPackedB(GemmPool pool, int m, int n, int k, float[] a, int aOff, int lda,
                                   PackedB packed, float[] bRaw, float[] c, int cOff, int ldc,
                                   float[] bias, int biasOff) {
        if (m > 0 && m <= SMALL_M && k > 0) {
            PackedRows.multiply(m, k, a, aOff, lda, packed, c, cOff, ldc, bias, biasOff);
            return;
        }
        if (m == 0 || n <= NARROW_N && m >= 2 * NR || k == 0) {
            gemm(pool, false, true, m, n, k, 1f, a, aOff, lda, bRaw, 0, k, 0f, c, cOff, ldc, bias, biasOff);
            return;
        }
        dispatch(pool, false, true, m, n, k, 1f, a, aOff, lda, null, 0, 0, 0f, c, cOff, ldc, bias, biasOff, false, packed);
    }

    /** The packed path, split over threads when the product is large enough. */
    private static void dispatch(GemmPool pool, boolean transA, boolean transB, int m, int n, int k,
                                 float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc,
                                 float[] bias, int biasOff, boolean transposedC, PackedB packed) {
        long work = (long) m * n * k;
        int threads = pool.threads();
        if (work < BLOCKING.parallelMinFlops() || threads == 1) {
            range(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                    bias, biasOff, transposedC, packed);
            return;
        }
        // Split the longer side of C into `threads` ranges aligned to the register tile.
        boolean byColumns = n >= m || m < MR * threads;
        int unit = byColumns ? NR : MR;
        int extent = byColumns ? n : m;
        int units = (extent + unit - 1) / unit;
        int parts = Math.min(threads, units);
        if (parts <= 1) {
            range(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                    bias, biasOff, transposedC, packed);
            return;
        }
        ParallelCall call = ParallelCall.get();
        call.set(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                bias, biasOff, byColumns, unit, units, parts, transposedC, packed);
        try {
            pool.invoke(call, parts);
        } finally {
            call.clear();
        }
    }

    /**
     * The five loops over rows {@code [m0, m1)} and columns {@code [n0, n1)} of C, on this thread.
     * With {@code transposedC} the computed matrix is stored transposed: element (i, j) goes to
     * {@code c[cOff + j·ldc + i]} (no fused epilogue then).
     */
    static void range(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc,
                      float[] bias, int biasOff, boolean transposedC, PackedB packed) {
        if (packed != null) {
            rangePacked(transA, m0, m1, n0, n1, k, alpha, a, aOff, lda, packed, beta, c, cOff, ldc, bias, biasOff);
            return;
        }
        Workspace ws = Workspace.current();
        float[] tile = ws.tile;
        boolean fused = bias != null;
        boolean directA = directA(transA, transposedC, n1 - n0, lda);
        if (k == 0 || alpha == 0f) {
            assert !transposedC;
            scaleOnly(m0, m1, n0, n1, beta, c, cOff, ldc, bias, biasOff, tile);
            return;
        }
        for (int jc = n0; jc < n1; jc += NC) {                        // jc: column panels
            int nc = Math.min(NC, n1 - jc);
            int ncPadded = Blocking.roundUp(nc, NR);
            for (int pc = 0; pc < k; pc += KC) {                      // pc: k-slices
                int kc = Math.min(KC, k - pc);
                boolean last = pc + kc == k;
                float sliceBeta = pc == 0 ? beta : 1f;
                float[] pb = ws.packedB(ncPadded * kc);
                Packing.packB(pb, transB, b, bOff, ldb, pc, kc, jc, nc);
                for (int ic = m0; ic < m1; ic += MC) {                // ic: row blocks
                    int mc = Math.min(MC, m1 - ic);
                    // full slivers read straight from A (see directA); the rest packed from pa[0]
                    int direct = directA ? mc / MR * MR : 0;
                    float[] pa = ws.packedA(Blocking.roundUp(mc - direct, MR) * kc + Packing.A_SLACK);
                    if (direct < mc) {
                        Packing.packA(pa, transA, a, aOff, lda, ic + direct, mc - direct, pc, kc);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {             // jr: B slivers (L1)
                        int nr = Math.min(NR, nc - jr);
                        int bi = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {         // ir: A slivers
                            int mr = Math.min(MR, mc - ir);
                            int row = ic + ir;
                            int col = jc + jr;
                            int ci = cOff + row * ldc + col;
                            if (ir < direct) {
                                directTile(transA, kc, a, aOff, lda, row, pc, pb, bi, nr, c, ci, ldc, alpha, sliceBeta,
                                        last && fused, bias, biasOff + col, tile);
                                continue;
                            }
                            int ai = (ir - direct) * kc;
                            if (!transposedC && mr == MR && nr == NR) {
                                boolean withBias = last && fused;
                                MicroKernel12xTwoVectors.compute(kc, pa, ai, MR, pb, bi, c, ci, ldc, alpha, sliceBeta,
                                        withBias, withBias ? bias : c, biasOff + col);
                                continue;
                            }
                            if (!transposedC && nr == NR && mr <= EDGE_ROWS) {
                                edgeRows(kc, pa, ai, pb, bi, mr, c, ci, ldc, alpha, sliceBeta, last && fused, bias,
                                        biasOff + col, tile);
                                continue;
                            }
                            edgeTile(kc, pa, ai, pb, bi, nr, tile);
                            if (transposedC) {
                                Epilogue.storeTransposed(tile, mr, nr, alpha, sliceBeta, c, cOff + col * ldc + row, ldc);
                                continue;
                            }
                            if (last && fused) {
                                Epilogue.store(tile, mr, nr, alpha, sliceBeta, c, ci, ldc, bias, biasOff + col);
                            } else {
                                Epilogue.store(tile, mr, nr, alpha, sliceBeta, c, ci, ldc, null, 0);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #range} with B packed beforehand: the panels and slices of {@code packed} are read where
     * {@code range} would pack them, and every sliver, tile and store is the same, so is the result.
     * A thread's columns [n0, n1) start on a sliver boundary (the split is NR-aligned); a sliver
     * reaching past n1 is computed whole and stored up to n1, as in {@code range}.
     */
    private static void rangePacked(boolean transA, int m0, int m1, int n0, int n1, int k, float alpha,
                                    float[] a, int aOff, int lda, PackedB packed,
                                    float beta, float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        Workspace ws = Workspace.current();
        float[] tile = ws.tile;
        boolean fused = bias != null;
        boolean directA = directA(transA, false, n1 - n0, lda);
        float[] pb = packed.data;
        for (int jc = n0 / NC * NC; jc < n1; jc += NC) {                 // jc: the packed column panels
            int from = Math.max(n0, jc);
            int to = Math.min(n1, jc + NC);
            for (int pc = 0, slice = 0; pc < k; pc += KC, slice++) {     // pc: k-slices
                int kc = Math.min(KC, k - pc);
                boolean last = pc + kc == k;
                float sliceBeta = pc == 0 ? beta : 1f;
                int base = packed.offset(jc / NC, slice);
                for (int ic = m0; ic < m1; ic += MC) {                   // ic: row blocks
                    int mc = Math.min(MC, m1 - ic);
                    int direct = directA ? mc / MR * MR : 0;
                    float[] pa = ws.packedA(Blocking.roundUp(mc - direct, MR) * kc + Packing.A_SLACK);
                    if (direct < mc) {
                        Packing.packA(pa, transA, a, aOff, lda, ic + direct, mc - direct, pc, kc);
                    }
                    for (int col = from; col < to; col += NR) {          // jr: B slivers
                        int nr = Math.min(NR, to - col);
                        int bi = base + (col - jc) * kc;
                        for (int ir = 0; ir < mc; ir += MR) {            // ir: A slivers
                            int mr = Math.min(MR, mc - ir);
                            int ci = cOff + (ic + ir) * ldc + col;
                            if (ir < direct) {
                                directTile(transA, kc, a, aOff, lda, ic + ir, pc, pb, bi, nr, c, ci, ldc, alpha,
                                        sliceBeta, last && fused, bias, biasOff + col, tile);
                                continue;
                            }
                            int ai = (ir - direct) * kc;
                            if (mr == MR && nr == NR) {
                                boolean withBias = last && fused;
                                MicroKernel12xTwoVectors.compute(kc, pa, ai, MR, pb, bi, c, ci, ldc, alpha, sliceBeta,
                                        withBias, withBias ? bias : c, biasOff + col);
                                continue;
                            }
                            if (nr == NR && mr <= EDGE_ROWS) {
                                edgeRows(kc, pa, ai, pb, bi, mr, c, ci, ldc, alpha, sliceBeta, last && fused, bias,
                                        biasOff + col, tile);
                                continue;
                            }
                            edgeTile(kc, pa, ai, pb, bi, nr, tile);
                            if (last && fused) {
                                Epilogue.store(tile, mr, nr, alpha, sliceBeta, c, ci, ldc, bias, biasOff + col);
                            } else {
                                Epilogue.store(tile, mr, nr, alpha, sliceBeta, c, ci, ldc, null, 0);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether the full 12-row slivers of A are read where they lie ({@link
     * MicroKernel12xTwoVectors#computeDirect}, {@link MicroKernel12xTwoVectors#compute} with A's stride)
     * instead of packed: C not stored transposed, a row stride that is not a multiple of 4 KiB
     * (rows 4 KiB apart would share one L1 set), and few enough columns of C on this thread that
     * packing A is a large share of the work: at most {@code DIRECT_A_MAX_N} (512) for A as stored
     * (the first layer's 128 × 784 batch against 256 columns), twice that for a transposed A, whose
     * pack is a slower, scalar copy (dW₁ = dZᵀ·x has 784 columns).
     */
    private static boolean directA(boolean transA, boolean transposedC, int columns, int lda) {
        int maxColumns = transA ? 2 * DIRECT_A_MAX_N : DIRECT_A_MAX_N;
        return !transposedC && columns <= maxColumns && (lda & 1023) != 0;
    }

    /**
     * A full 12-row sliver read straight from A, from op(A)[row][pc]: into C for a full-width
     * sliver, through the tile buffer and {@link Epilogue} for the last, narrower one (for a
     * transposed A of at most L columns its first vector only, as {@code edgeTile} does for a
     * packed one); the same bits every way.
     */
    private static void directTile(boolean transA, int kc, float[] a, int aOff, int lda, int row, int pc,
                                   float[] pb, int bi, int nr,
                                   float[] c, int ci, int ldc, float alpha, float beta, boolean withBias,
                                   float[] bias, int biasIdx, float[] tile) {
        int ai = transA ? aOff + pc * lda + row : aOff + row * lda + pc; // op(A)[row][pc]
        if (nr == NR) {
            if (transA) {
                MicroKernel12xTwoVectors.compute(kc, a, ai, lda, pb, bi, c, ci, ldc, alpha, beta,
                        withBias, withBias ? bias : c, biasIdx);
            } else {
                MicroKernel12xTwoVectors.computeDirect(kc, a, ai, lda, pb, bi, c, ci, ldc, alpha, beta,
                        withBias, withBias ? bias : c, biasIdx);
            }
            return;
        }
        if (transA && nr <= L) {
            MicroKernel12xTwoVectors.computeOneVector(kc, a, ai, lda, pb, bi, tile);
        } else if (transA) {
            MicroKernel12xTwoVectors.compute(kc, a, ai, lda, pb, bi, tile, 0, NR, 1f, 0f, false, tile, 0);
        } else {
            MicroKernel12xTwoVectors.computeDirect(kc, a, ai, lda, pb, bi, tile, 0, NR, 1f, 0f, false, tile, 0);
        }
        Epilogue.store(tile, MR, nr, alpha, beta, c, ci, ldc, withBias ? bias : null, biasIdx);
    }

    /**
     * An edge tile's sums into the tile buffer for {@link Epilogue}: the first vector only when the
     * sliver has at most L columns (its second vector would be padding), else the whole tile.
     */
    private static void edgeTile(int kc, float[] pa, int ai, float[] pb, int bi, int nr, float[] tile) {
        if (nr <= L) {
            MicroKernel12xTwoVectors.computeOneVector(kc, pa, ai, MR, pb, bi, tile);
        } else {
            MicroKernel12xTwoVectors.compute(kc, pa, ai, MR, pb, bi, tile, 0, NR, 1f, 0f, false, tile, 0);
        }
    }

    /**
     * A sliver of {@code mr <= EDGE_ROWS} rows and full width: four rows at a time straight into C
     * ({@link MicroKernel12xTwoVectors#compute4}), the last one to three through the tile buffer and
     * the epilogue. The same FMA chains as a full tile, so the same bits.
     */
    private static void edgeRows(int kc, float[] pa, int ai, float[] pb, int bi, int mr,
                                 float[] c, int ci, int ldc, float alpha, float beta, boolean withBias,
                                 float[] bias, int biasIdx, float[] tile) {
        int r = 0;
        for (; r + 4 <= mr; r += 4) {
            MicroKernel12xTwoVectors.compute4(kc, pa, ai + r, pb, bi, c, ci + r * ldc, ldc, alpha, beta,
                    withBias, withBias ? bias : c, biasIdx);
        }
        if (r < mr) {
            MicroKernel12xTwoVectors.compute4(kc, pa, ai + r, pb, bi, tile, 0, NR, 1f, 0f, false, tile, 0);
            Epilogue.store(tile, mr - r, NR, alpha, beta, c, ci + r * ldc, ldc, withBias ? bias : null, biasIdx);
        }
    }

    /** k == 0 or alpha == 0: C = beta·C, then the epilogue; runs through the same store path. */
    private static void scaleOnly(int m0, int m1, int n0, int n1, float beta, float[] c, int cOff, int ldc,
                                  float[] bias, int biasOff, float[] tile) {
        Arrays.fill(tile, 0f);
        for (int i = m0; i < m1; i += MR) {
            for (int j = n0; j < n1; j += NR) {
                int mr = Math.min(MR, m1 - i);
                int nr = Math.min(NR, n1 - j);
                Epilogue.store(tile, mr, nr, 1f, beta, c, cOff + i * ldc + j, ldc, bias, biasOff + j);
            }
        }
    }

    /**
     * The arguments of one parallel GEMM, reused per calling thread so that a parallel call
     * allocates nothing.
     */
    private static final class ParallelCall implements GemmPool.Job {
        private static final ThreadLocal<ParallelCall> PER_THREAD = ThreadLocal.withInitial(ParallelCall::new);

        boolean transA, transB, byColumns, transposedC;
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, biasOff, unit, units, parts;
        float alpha, beta;
        float[] a, b, c, bias;
        PackedB packed;

        static ParallelCall get() {
            return PER_THREAD.get();
        }

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                 float[] bias, int biasOff,
                 boolean byColumns, int unit, int units, int parts, boolean transposedC, PackedB packed) {
            this.transposedC = transposedC;
            this.packed = packed;
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.bias = bias;
            this.biasOff = biasOff;
            this.byColumns = byColumns;
            this.unit = unit;
            this.units = units;
            this.parts = parts;
        }

        void clear() {
            a = b = c = bias = null;
            packed = null;
        }

        @Override
        public void run(int part) {
            // Part p gets units [p·units/parts, (p+1)·units/parts): balanced, tile-aligned.
            int u0 = (int) ((long) part * units / parts);
            int u1 = (int) ((long) (part + 1) * units / parts);
            int extent = byColumns ? n : m;
            int from = u0 * unit;
            int to = Math.min(extent, u1 * unit);
            if (from >= to) {
                return;
            }
            if (byColumns) {
                range(transA, transB, 0, m, from, to, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                        bias, biasOff, transposedC, packed);
            } else {
                range(transA, transB, from, to, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                        bias, biasOff, transposedC, packed);
            }
        }
    }
}
