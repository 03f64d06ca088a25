package dev.simdnn.spark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixed tree: any merge order gives the same bits; a plain float sum would not. */
class GradientSumTest {

    private static GradientSum.Part part(Random rnd, int n, int p) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6) - 3));
        }
        return new GradientSum.Part(g, rnd.nextDouble(), p + 1, p);
    }

    @Test
    void anyMergeOrderGivesTheSameTotal() {
        for (int partitions : new int[] {1, 2, 3, 5, 8, 13}) {
            float[] reference = null;
            for (int trial = 0; trial < 20; trial++) {
                Random rnd = new Random(partitions); // the same parts every trial
                List<GradientSum.Part> parts = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    parts.add(part(rnd, 64, p));
                }
                // leaves in a random order, grouped into random partial sums, merged in a random order
                Random order = new Random(trial);
                List<Integer> idx = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    idx.add(p);
                }
                Collections.shuffle(idx, order);
                List<GradientSum> partials = new ArrayList<>();
                for (int i : idx) {
                    if (partials.isEmpty() || order.nextBoolean()) {
                        partials.add(new GradientSum(partitions));
                    }
                    GradientSum.Part src = parts.get(i);
                    partials.get(partials.size() - 1).add(i, new GradientSum.Part(src.grad().clone(), src.loss(),
                            src.rows(), src.correct()));
                }
                Collections.shuffle(partials, order);
                GradientSum total = partials.get(0);
                for (int i = 1; i < partials.size(); i++) {
                    total = order.nextBoolean() ? total.merge(partials.get(i)) : partials.get(i).merge(total);
                }
                GradientSum.Part t = total.total();
                long rows = 0;
                for (GradientSum.Part p : parts) {
                    rows += p.rows();
                }
                assertEquals(rows, t.rows());
                if (reference == null) {
                    reference = t.grad().clone();
                } else {
                    assertArrayEquals(reference, t.grad(), 0f, partitions + " partitions, trial " + trial);
                }
            }
        }
    }

    @Test
    void anAlignedGroupOfPartitionsLeavesAsOneNode() {
        Random rnd = new Random(1);
        GradientSum group = new GradientSum(13);
        for (int p : new int[] {6, 4, 7, 5}) { // partitions 4..7: one aligned subtree
            group.add(p, part(rnd, 8, p));
        }
        assertEquals(1, group.nodes());
        assertEquals(4, group.firstPartition());
        GradientSum last = new GradientSum(13).add(12, part(rnd, 8, 12)); // 12..15, of which only 12 exists
        assertEquals(1, last.nodes());
        GradientSum strided = new GradientSum(13).add(1, part(rnd, 8, 1)).add(5, part(rnd, 8, 5)).add(9, part(rnd, 8, 9));
        assertEquals(3, strided.nodes()); // what treeAggregate's i % groups grouping would send
    }

    @Test
    void plainSumsInOtherOrdersDiffer() {
        // why the tree: the same five vectors summed left to right in two orders differ in some bits
        Random rnd = new Random(5);
        List<float[]> v = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            v.add(part(rnd, 64, p).grad());
        }
        float[] a = new float[64];
        float[] b = new float[64];
        for (int p = 0; p < 5; p++) {
            for (int i = 0; i < 64; i++) {
                a[i] += v.get(p)[i];
                b[i] += v.get(4 - p)[i];
            }
        }
        boolean differ = false;
        for (int i = 0; i < 64; i++) {
            differ |= a[i] != b[i];
        }
        assertTrue(differ);
    }

    @Test
    void incompleteOrDuplicatedSumsAreRefused() {
        GradientSum s = new GradientSum(3).add(0, new GradientSum.Part(null, 0, 0, 0));
        assertThrows(IllegalStateException.class, s::total);
        s.add(1, new GradientSum.Part(null, 0, 0, 0));
        assertThrows(IllegalStateException.class, () -> new GradientSum(3).add(2, new GradientSum.Part(null, 0, 0, 0))
                .merge(new GradientSum(3).add(2, new GradientSum.Part(null, 0, 0, 0))));
        assertThrows(IllegalArgumentException.class, () -> s.add(3, new GradientSum.Part(null, 0, 0, 0)));
        s.add(2, new GradientSum.Part(null, 1, 2, 0));
        assertEquals(2, s.total().rows());
    }
}
