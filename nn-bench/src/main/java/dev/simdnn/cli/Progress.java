package dev.simdnn.cli;

import dev.simdnn.train.BatchStats;
import dev.simdnn.train.EpochStats;
import dev.simdnn.train.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on stderr: on a terminal a bar per epoch (batches done, running loss,
 * samples/s, ETA) redrawn in place; otherwise (CI logs, pipes) one plain line per epoch.
 */
final class Progress implements TrainingListener {
    private final PrintStream err;
    private final int epochs;
    private final boolean terminal = System.console() != null;
    private long epochStart = System.nanoTime();
    private double runningLoss;
    private int seen;
    private long lastDraw;

    private final int samplesPerBatch;

    Progress(PrintStream err, int epochs, int samplesPerBatch) {
        this.err = err;
        this.epochs = epochs;
        this.samplesPerBatch = samplesPerBatch;
    }

    @Override
    public void onBatchEnd(BatchStats stats) {
        int epoch = stats.epoch();
        int batch = stats.batch();
        int batches = stats.batches();
        float loss = stats.loss();
        if (batch == 1) {
            epochStart = System.nanoTime();
            runningLoss = 0;
            seen = 0;
        }
        runningLoss += loss;
        seen++;
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && batch != batches) {
            return; // redraw at most ten times a second
        }
        lastDraw = now;
        double elapsed = (now - epochStart) / 1e9;
        double eta = elapsed / batch * (batches - batch);
        int width = 30;
        int done = (int) ((long) width * batch / batches);
        double rate = seen * samplesPerBatch / Math.max(elapsed, 1e-9);
        err.printf(Locale.ROOT, "\r\033[K epoch %d/%d [%s%s] %d/%d  loss %.4f  %.0f samples/s  ETA %.1fs", epoch, epochs,
                "=".repeat(done), " ".repeat(width - done), batch, batches, runningLoss / seen, rate, eta);
    }

    @Override
    public void onEpochEnd(EpochStats s) {
        String val = Float.isNaN(s.validationLoss()) ? ""
                : String.format(Locale.ROOT, "  val loss %.4f  val accuracy %.4f", s.validationLoss(), s.validationAccuracy());
        err.printf(Locale.ROOT, "%sepoch %3d/%d  loss %.4f  accuracy %.4f%s  (%.0f samples/s, %.2f s)%n",
                terminal ? "\r\033[K" : "", s.epoch(), epochs, s.loss(), s.accuracy(), val, s.samplesPerSecond(), s.seconds());
    }
}
