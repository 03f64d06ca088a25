package dev.simdnn.spark;

import dev.simdnn.loss.Task;
import dev.simdnn.nn.InferenceSession;
import dev.simdnn.tensor.Tensor;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One task's scoring of its partition: rows are read {@code batch} at a time into one buffer,
 * scaled in place, run through the task's own inference session, and given back with the output
 * columns appended. The buffers are the task's; what is allocated per row is the output row and
 * its vectors, which Spark keeps.
 */
final class ScoreRows implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> file;
    private final String digest;
    private final FeatureColumns features;
    private final String backend;
    private final int threads;
    private final int batch;
    private final boolean prediction;
    private final boolean raw;
    private final boolean probability;

    ScoreRows(Broadcast<byte[]> file, String digest, FeatureColumns features, String backend, int threads, int batch,
              boolean prediction, boolean raw, boolean probability) {
        this.file = file;
        this.digest = digest;
        this.features = features;
        this.backend = backend;
        this.threads = threads;
        this.batch = batch;
        this.prediction = prediction;
        this.raw = raw;
        this.probability = probability;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext tc = TaskContext.get();
        return new Batches(Scorer.of(digest, file.value(), backend, threads), rows, tc == null ? 0 : tc.partitionId());
    }

    private final class Batches implements Iterator<Row> {
        private final Scorer scorer;
        private final Iterator<Row> input;
        private final InferenceSession session;
        private final FeatureColumns.RowPlace place;
        private final int width;
        private final int outs;
        private final Row[] pending;
        private final Tensor x;
        private final float[] logits;
        private final float[] probs;
        private final int[] classes;
        private int n;
        private int next;

        Batches(Scorer scorer, Iterator<Row> input, int partition) {
            this.scorer = scorer;
            this.input = input;
            this.session = scorer.newSession();
            this.place = new FeatureColumns.RowPlace(partition);
            this.width = features.width();
            this.outs = scorer.net.outputFeatures();
            this.pending = new Row[batch];
            this.x = Tensor.zeros(batch, width);
            this.logits = new float[batch * outs];
            this.probs = new float[batch * outs];
            this.classes = new int[batch];
        }

        @Override
        public boolean hasNext() {
            if (next < n) {
                return true;
            }
            if (!input.hasNext()) {
                return false;
            }
            fill();
            return n > 0;
        }

        /** Reads the next batch of rows and scores it. */
        private void fill() {
            n = 0;
            next = 0;
            float[] xd = x.data();
            while (n < batch && input.hasNext()) {
                Row r = input.next();
                features.read(r, xd, n * width, place);
                place.row++;
                pending[n++] = r;
            }
            Tensor xs = n == batch ? x : x.rows(0, n);
            if (scorer.scaling != null) {
                scorer.scaling.transformInto(xs, xs);
            }
            Tensor out = session.predict(xs);
            System.arraycopy(out.data(), out.offset(), logits, 0, n * outs);
            Task task = scorer.task;
            if (task == Task.MULTICLASS) {
                // the predictor's rule: argmax of the logits, softmax computed in place on a copy
                scorer.kernels.blas().argmaxRows(n, outs, logits, 0, classes, 0);
                System.arraycopy(logits, 0, probs, 0, n * outs);
                scorer.kernels.activations().softmax(n, outs, probs, 0, probs, 0);
            } else if (task == Task.BINARY) {
                for (int i = 0; i < n * outs; i++) {
                    probs[i] = (float) (1 / (1 + Math.exp(-logits[i])));
                }
                for (int r = 0; r < n; r++) {
                    classes[r] = logits[r * outs] > 0 ? 1 : 0;
                }
            }
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int r = next++;
            Row in = pending[r];
            pending[r] = null;
            int extra = (prediction ? 1 : 0) + (raw ? 1 : 0) + (probability ? 1 : 0);
            Object[] v = new Object[in.length() + extra];
            for (int i = 0; i < in.length(); i++) {
                v[i] = in.get(i);
            }
            int c = in.length();
            int base = r * outs;
            Task task = scorer.task;
            if (prediction) {
                if (task.isClassification()) {
                    v[c++] = (double) classes[r];
                } else if (outs == 1) {
                    v[c++] = (double) logits[base];
                } else {
                    v[c++] = vector(logits, base);
                }
            }
            boolean oneLogit = task == Task.BINARY && outs == 1;
            if (raw) {
                v[c++] = oneLogit ? new DenseVector(new double[] {-(double) logits[base], logits[base]})
                        : vector(logits, base);
            }
            if (probability) {
                v[c++] = oneLogit ? new DenseVector(new double[] {1 - (double) probs[base], probs[base]})
                        : vector(probs, base);
            }
            return RowFactory.create(v);
        }

        private DenseVector vector(float[] src, int from) {
            double[] d = new double[outs];
            for (int j = 0; j < outs; j++) {
                d[j] = src[from + j];
            }
            return new DenseVector(d);
        }
    }
}
