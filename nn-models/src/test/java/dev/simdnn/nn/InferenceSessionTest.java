package dev.simdnn.nn;

import dev.simdnn.kernel.Activation;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InferenceSessionTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static Sequential model() {
        return Mlp.builder().input(20).dense(32, Activation.RELU).dense(16, Activation.TANH).dense(5).seed(11).build();
    }

    private static float[][] samples(int n) {
        SplittableRandom rng = new SplittableRandom(2);
        float[][] s = new float[n][20];
        for (float[] row : s) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) rng.nextDouble(-2, 2);
            }
        }
        return s;
    }

    @Test
    void eightThreadsPredictConcurrentlyExactlyAsOneDoes() throws Exception {
        Sequential model = model();
        float[][] xs = samples(100);
        float[][] expected = new float[xs.length][];
        InferenceSession single = model.newSession();
        for (int i = 0; i < xs.length; i++) {
            expected[i] = single.predict(xs[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    SplittableRandom rng = new SplittableRandom(seed);
                    InferenceSession s = model.newSession();
                    float[] out = new float[5];
                    int checked = 0;
                    for (int k = 0; k < 10_000; k++) {
                        int i = rng.nextInt(xs.length);
                        if (k % 2 == 0) {
                            s.predictInto(xs[i], out);
                        } else {
                            out = model.predict(xs[i]); // the thread-safe convenience path
                        }
                        assertArrayEquals(expected[i], out, "thread " + seed + ", call " + k);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(10_000, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchesAgreeWithSingleSamples() {
        Sequential model = model();
        float[][] xs = samples(7);
        Tensor out = model.newSession().predict(Tensor.ofRows(xs));
        InferenceSession s = model.newSession();
        for (int i = 0; i < xs.length; i++) {
            assertArrayEquals(s.predict(xs[i]), out.row(i), 1e-5f, "row " + i);
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("allocation")
    void predictIntoAllocatesNothingAfterWarmUp() {
        InferenceSession s = model().newSession();
        float[] x = samples(1)[0];
        float[] out = new float[5];
        long last = -1;
        // until the JIT has compiled the path with C2 (on 2 cores its queue can take seconds)
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (last != 0 && System.nanoTime() < deadline) {
            for (int i = 0; i < 2000; i++) {
                s.predictInto(x, out);
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 500; i++) {
                s.predictInto(x, out);
            }
            last = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, last, "bytes allocated by 500 predictions");
    }

    @Test
    void badInputIsNamed() {
        InferenceSession s = model().newSession();
        assertThrows(IllegalArgumentException.class, () -> s.predict(new float[19]));
        assertThrows(IllegalArgumentException.class, () -> s.predictInto(new float[20], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> s.predict(Tensor.zeros(2, 21)));
    }
}
