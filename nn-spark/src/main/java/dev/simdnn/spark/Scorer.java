package dev.simdnn.spark;

import dev.simdnn.data.Standardizer;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.InferenceSession;
import dev.simdnn.nn.Sequential;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model ready to score on one JVM: the network a {@link dev.simdnn.predict.Predictor} runs (the
 * logits of a multi-class model), its scaling and task, on one backend. Built once per executor
 * JVM from a model file's bytes and kept in a small cache keyed by the bytes' digest; shared by
 * the JVM's task threads, each of which scores through {@link #newSession()} of its own.
 */
final class Scorer {
    /** Models kept per JVM; the least recently used goes when a new one comes. */
    private static final int CACHED = 8;
    private static final Map<String, Scorer> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Scorer> eldest) {
            return size() > CACHED;
        }
    };

    final Task task;
    final Sequential net;
    final Standardizer scaling;
    final Kernels kernels;

    private Scorer(SavedModel saved) {
        this.task = saved.task();
        this.net = task == Task.MULTICLASS ? saved.model().logits() : saved.model();
        this.scaling = saved.scaling();
        this.kernels = saved.model().kernels();
    }

    /** The scorer of the model file {@code file} (digest {@code key}) on {@code backend} with {@code threads}. */
    static Scorer of(String key, byte[] file, String backend, int threads) {
        String k = key + "/" + backend + "/" + threads;
        synchronized (CACHE) {
            Scorer s = CACHE.get(k);
            if (s == null) {
                s = new Scorer(ModelBytes.load(file, Backends.of(backend, threads)));
                CACHE.put(k, s);
            }
            return s;
        }
    }

    /** A session of this model's: one task thread's buffers over the shared weights. */
    InferenceSession newSession() {
        return net.newSession();
    }
}
