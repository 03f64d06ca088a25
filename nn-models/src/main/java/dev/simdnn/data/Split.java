package dev.simdnn.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A train/test partition of a data set; the two parts share no example.
 */
public record Split(Dataset train, Dataset test) {

    /**
     * A random split with {@code round(testFraction·n)} examples in the test part, seeded.
     */
    public static Split random(Dataset data, double testFraction, long seed) {
        checkFraction(testFraction);
        int n = data.size();
        int[] order = permutation(n, new SplittableRandom(seed));
        int nTest = (int) Math.round(testFraction * n);
        checkSizes(n, nTest);
        int[] test = new int[nTest];
        int[] train = new int[n - nTest];
        System.arraycopy(order, 0, test, 0, nTest);
        System.arraycopy(order, nTest, train, 0, n - nTest);
        return new Split(data.subset(train), data.subset(test));
    }

    /**
     * A stratified split: each class contributes {@code round(testFraction·count)} of its examples
     * to the test part, so both parts keep the class proportions. Seeded.
     */
    public static Split stratified(Dataset data, double testFraction, long seed) {
        checkFraction(testFraction);
        if (!data.isClassification()) {
            throw new IllegalArgumentException("a stratified split needs class labels; use random() for regression");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int c = 0; c < data.numClasses(); c++) {
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < data.size(); r++) {
                if (data.label(r) == c) {
                    rows.add(r);
                }
            }
            int[] order = permutation(rows.size(), rng);
            int nTest = (int) Math.round(testFraction * rows.size());
            for (int i = 0; i < order.length; i++) {
                (i < nTest ? test : train).add(rows.get(order[i]));
            }
        }
        if (test.isEmpty() || train.isEmpty()) {
            int largest = 0;
            for (int count : data.classCounts()) {
                largest = Math.max(largest, count);
            }
            throw new IllegalArgumentException("a stratified split of " + data.size() + " examples puts round(" + testFraction
                    + " x count) of each class in the test part, which leaves the " + (test.isEmpty() ? "test" : "training")
                    + " part empty (the largest class has " + largest + " example" + (largest == 1 ? "" : "s")
                    + "): use more data per class or another test fraction");
        }
        // Interleave classes: shuffle each part so its rows are not sorted by class.
        return new Split(data.subset(shuffled(train, rng)), data.subset(shuffled(test, rng)));
    }

    private static int[] shuffled(List<Integer> rows, SplittableRandom rng) {
        int[] order = permutation(rows.size(), rng);
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(order[i]);
        }
        return out;
    }

    /** A Fisher–Yates permutation of {@code 0 .. n-1}. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    private static void checkFraction(double f) {
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + f);
        }
    }

    private static void checkSizes(int n, int nTest) {
        if (nTest == 0 || nTest == n) {
            throw new IllegalArgumentException("split of " + n + " examples leaves an empty part (" + nTest + " for test)");
        }
    }
}
