package dev.simdnn.simd.gemm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small dedicated pool of daemon workers for GEMM: the caller runs part 0 of a job, worker w runs
 * part w+1. Allocation-free per job (the job is a reusable object). One job at a time: a caller
 * that finds the pool busy (another thread's GEMM) runs all its parts itself, so concurrent
 * inference threads never wait for each other. After a job, workers spin briefly before parking,
 * since a training step issues its GEMMs back to back; the caller, done with its part, spins for
 * them the same way before it parks.
 *
 * <p>The thread count is a value a backend is built with ({@code SimdKernels.withThreads}); pools
 * are shared per count ({@link #shared}), so any number of backends of the same width cost one set
 * of workers.
 */
public final class GemmPool {
    /** Most threads a pool may have: far beyond any useful split of one GEMM. */
    public static final int MAX_THREADS = 256;
    private static final Map<Integer, GemmPool> SHARED = new ConcurrentHashMap<>();

    /** A unit of parallel work: {@code run(part)} for each part in {@code [0, parts)}. */
    public interface Job {
        void run(int part);
    }

    private static final long SPIN_NANOS = 200_000;

    private final Thread[] workers;
    private final ReentrantLock busy = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile Job job;
    private volatile int parts;
    private volatile Thread caller;
    private volatile Throwable failure;

    /**
     * The pool of {@code threads} threads (the caller included), created on first use and shared.
     *
     * @throws IllegalArgumentException unless {@code 1 <= threads <= MAX_THREADS}
     */
    public static GemmPool shared(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("GEMM threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        return SHARED.computeIfAbsent(threads, GemmPool::new);
    }

    private GemmPool(int threads) {
        workers = new Thread[Math.max(0, threads - 1)];
        for (int w = 0; w < workers.length; w++) {
            int index = w + 1;
            Thread t = new Thread(() -> workLoop(index), "simdnn-gemm-" + index);
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
    }

    /** Number of parts a job may usefully have (the caller plus the workers). */
    public int threads() {
        return workers.length + 1;
    }

    /** Runs {@code job} for parts {@code 0 .. n-1}, in parallel when the pool is free. */
    public void invoke(Job job, int n) {
        if (n <= 1 || workers.length == 0 || !busy.tryLock()) {
            for (int p = 0; p < n; p++) {
                job.run(p);
            }
            return;
        }
        try {
            int used = Math.min(n, threads());
            this.job = job;
            this.parts = used;
            this.caller = Thread.currentThread();
            this.failure = null;
            pending.set(used - 1);
            generation++; // publishes the fields above to the workers
            for (int w = 0; w < used - 1; w++) {
                LockSupport.unpark(workers[w]);
            }
            job.run(0);
            for (int p = used; p < n; p++) { // more parts than threads: the caller takes the rest
                job.run(p);
            }
            // The parts are balanced, so the workers finish about when the caller does: spin for
            // them first (parking here and being woken cost tens of microseconds on a VM), then park.
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (pending.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            }
            this.job = null;
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("GEMM worker failed", f);
            }
        } finally {
            busy.unlock();
        }
    }

    private void workLoop(int index) {
        long seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            Job j = job;
            if (j != null && index < parts) {
                try {
                    j.run(index);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
