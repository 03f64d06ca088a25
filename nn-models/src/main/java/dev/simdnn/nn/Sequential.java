package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Layers applied one after another; itself a {@link Layer}. Build MLPs with {@link Mlp#builder()}.
 *
 * <p>The model remembers the {@link Kernels} backend it runs on ({@link #kernels()}); change it at
 * any time with {@link #useKernels}.
 *
 * <p>Threads: training ({@link #forward}/{@link #backward} through a {@code Trainer}) is one
 * thread's work. Prediction ({@link #predict}, {@link #newSession}) is thread-safe, also while the
 * model trains: inference runs on copies of the layers that share only the weights, so it never
 * changes training state; it reads whichever weights are there at that moment (a mix of two steps
 * is possible; to predict from a fixed state, train and predict in turn, or save and load a copy).
 */
public final class Sequential implements Layer {
    private final int inputFeatures;
    private final List<Layer> layers;
    private Kernels kernels;
    private final SessionPool sessions = new SessionPool(this);

    /**
     * A model of {@code layers} taking {@code inputFeatures} inputs, running on {@code kernels}.
     *
     * @throws IllegalArgumentException if a layer's expected width does not follow from the previous one
     */
    public Sequential(int inputFeatures, List<? extends Layer> layers, Kernels kernels) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a sequential model needs at least one layer");
        }
        this.inputFeatures = inputFeatures;
        this.layers = List.copyOf(layers);
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        int width = inputFeatures;
        for (Layer l : this.layers) {
            width = l.outputFeatures(width);
        }
    }

    public int inputFeatures() {
        return inputFeatures;
    }

    /** Width of the final output. */
    public int outputFeatures() {
        return outputFeatures(inputFeatures);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The backend this model computes on. */
    public Kernels kernels() {
        return kernels;
    }

    /** Switches the backend (e.g. to the scalar reference) for every later call. */
    public Sequential useKernels(Kernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        return this;
    }

    /** Forward on this model's own backend. */
    public Tensor forward(Tensor input, Mode mode) {
        return forward(kernels, input, mode);
    }

    @Override
    public Tensor forward(Kernels k, Tensor input, Mode mode) {
        if (input.rank() != 2 || input.cols() != inputFeatures) {
            throw new IllegalArgumentException("model expects input [batch, " + inputFeatures + "] but got " + input.shape());
        }
        Tensor x = input;
        for (int i = 0; i < layers.size(); i++) { // indexed: no iterator on the hot path
            x = layers.get(i).forward(k, x, mode);
        }
        return x;
    }

    /** Backward on this model's own backend; the input gradient is not computed. */
    public void backward(Tensor gradOutput) {
        backward(kernels, gradOutput, false);
    }

    @Override
    public Tensor backward(Kernels k, Tensor gradOutput, boolean needInputGradient) {
        Tensor g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(k, g, i > 0 || needInputGradient);
        }
        return g;
    }

    /**
     * Inference on a batch {@code [rows, inputFeatures]}: returns a new tensor of raw outputs
     * (logits for a classifier), computed {@link #PREDICT_CHUNK_ROWS} rows at a time, so that the
     * working memory stays that of one chunk however many rows are given. Thread-safe: each call
     * borrows an {@link InferenceSession} of this model's (a few are kept for reuse), sharing this
     * model's weights.
     *
     * @throws IllegalArgumentException if the width is wrong or an input is NaN or infinite
     */
    public Tensor predict(Tensor input) {
        InferenceSession.checkInput(inputFeatures, input); // once, so the row named is the caller's row
        InferenceSession s = sessions.borrow();
        try {
            if (input.rows() <= PREDICT_CHUNK_ROWS) {
                return s.predictChecked(input).copy();
            }
            // in chunks: the working memory of a layer grows with the rows it is given (a convolution's
            // im2row holds pixels × C·kh·kw values per row), and 10,000 test images must not be one batch
            Tensor out = Tensor.zeros(input.rows(), outputFeatures());
            for (int from = 0; from < input.rows(); from += PREDICT_CHUNK_ROWS) {
                int to = Math.min(input.rows(), from + PREDICT_CHUNK_ROWS);
                Tensor part = s.predictChecked(input.rows(from, to));
                System.arraycopy(part.data(), part.offset(), out.data(), out.offset() + from * out.cols(), part.size());
            }
            return out;
        } finally {
            sessions.release(s);
        }
    }

    /** Rows {@link #predict(Tensor)} computes at a time (its working memory is that of this many rows). */
    public static final int PREDICT_CHUNK_ROWS = 256;

    /** Inference on one sample of {@code inputFeatures} values: the raw outputs. Thread-safe. */
    public float[] predict(float[] sample) {
        InferenceSession s = sessions.borrow();
        try {
            return s.predict(sample);
        } finally {
            sessions.release(s);
        }
    }

    /**
     * A new inference session: its own buffers over this model's weights (shared, read-only). One
     * thread at a time per session; many sessions may predict concurrently. Training the model
     * while sessions predict gives them whatever weights they read, and never the reverse: a
     * session changes nothing the training step uses.
     */
    public InferenceSession newSession() {
        return new InferenceSession(this, inferenceCopy());
    }

    /** The layers' inference copies in a new model (see {@link Layer#inferenceCopy()}). */
    @Override
    public Sequential inferenceCopy() {
        List<Layer> copies = new ArrayList<>();
        for (Layer l : layers) {
            copies.add(l.inferenceCopy());
        }
        return new Sequential(inputFeatures, copies, kernels);
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.parameters());
        }
        return Collections.unmodifiableList(all);
    }

    /** The layers' buffers, named like {@link #namedParameters()}: {@code "1.running_mean"}, … */
    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (int i = 0, module = 0; i < layers.size(); module += layers.get(i).torchModules(), i++) {
            String prefix = module + ".";
            layers.get(i).buffers().forEach((k, v) -> all.put(prefix + k, v));
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * Parameters by the names PyTorch's {@code state_dict} gives the equivalent {@code nn.Sequential},
     * where a dense layer's fused activation is a module of its own ({@link Layer#torchModules()}):
     * {@code Dense(relu), BatchNorm, Dense} is {@code Sequential(Linear, ReLU, BatchNorm1d, Linear)},
     * named {@code "0.weight"}, {@code "0.bias"}, {@code "2.weight"}, {@code "2.bias"},
     * {@code "3.weight"}, {@code "3.bias"} (and the buffers {@code "2.running_mean"}, …).
     */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (int i = 0, module = 0; i < layers.size(); module += layers.get(i).torchModules(), i++) {
            putNamed(named, module + ".", layers.get(i));
        }
        return Collections.unmodifiableMap(named);
    }

    /** Adds {@code layer}'s named parameters under {@code prefix}. */
    static void putNamed(Map<String, Parameter> named, String prefix, Layer layer) {
        layer.namedParameters().forEach((k, v) -> named.put(prefix + k, v));
    }

    /** What a non-strict {@link #loadStateDict(Map, boolean)} left out: the model's keys the tensors lacked, and the reverse. */
    public record StateDictLoad(List<String> missing, List<String> unexpected) {
        public StateDictLoad {
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /** {@link #loadStateDict(Map, boolean)}, strict. */
    public StateDictLoad loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies {@code state} (e.g. {@code Safetensors.read} of a PyTorch {@code state_dict}) into this
     * model's parameters and buffers by their names ({@link #namedParameters()}, {@link #buffers()}),
     * with PyTorch's {@code load_state_dict} semantics. Strict: every key of the model must be there
     * and no other. Either way a tensor whose shape differs, or that holds NaN or infinity, is an
     * error. Everything is checked before anything is copied, and the error lists every problem
     * ({@code "0.weight: the tensors have [16, 4], the model has [16, 8]"}).
     *
     * @return what a non-strict load left out (both lists empty after a strict one)
     * @throws IllegalArgumentException listing every missing key, unexpected key, shape mismatch and
     *                                  non-finite tensor
     */
    public StateDictLoad loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> mine = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> mine.put(k, v.value()));
        mine.putAll(buffers());
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!given.shape().equals(e.getValue().shape())) {
                problems.add(e.getKey() + ": the tensors have " + given.shape() + ", the model has " + e.getValue().shape());
            } else {
                int bad = given.firstNonFinite();
                if (bad >= 0) {
                    problems.add(e.getKey() + ": element " + bad + " is " + given.getFlat(bad));
                }
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!mine.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (strict && !missing.isEmpty()) {
            problems.add("missing (the model has them, the tensors do not): " + missing);
        }
        if (strict && !unexpected.isEmpty()) {
            problems.add("unexpected (the tensors have them, the model does not): " + unexpected
                    + "; the model's keys: " + mine.keySet());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load the state dict into " + this + ": " + String.join("; ", problems));
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given != null) {
                e.getValue().copyFrom(given.toArray());
            }
        }
        return strict ? new StateDictLoad(List.of(), List.of()) : new StateDictLoad(missing, unexpected);
    }

    /**
     * A frozen snapshot of this model for serving: the same function, computed faster, and
     * independent of this model from now on. Its dense layers hold their weights packed once for
     * this model's backend (the SIMD GEMM otherwise repacks them on every call); the other layers
     * hold copies of their parameters. It predicts only ({@link #predict}, sessions; a training
     * forward or backward throws), its dense layers have no parameters, and training this model
     * later does not change it. Its predictions are those of this model at the moment of the call,
     * on the same backend: bit for bit for batches of more than four rows; for one to four rows its
     * dense layers sum in the order of the larger batches (so an input gets the same bits from the
     * snapshot in any batch), which can differ from this model's direct small-batch path in the last
     * bits. Maxout, convolution and recurrent layers keep the per-call GEMM in the snapshot too.
     *
     * @throws UnsupportedOperationException for a layer of a kind outside simdnn's own
     */
    public Sequential frozen() {
        return (Sequential) Frozen.of(this, kernels);
    }

    /**
     * The logits behind this model's probabilities: when its last layer is a {@link Softmax} (as in
     * a model built for inference, or one imported from torch or ONNX), the same model without it,
     * sharing every other layer; otherwise this model. Losses and the predictor's own softmax expect
     * logits, so a final softmax must not be applied twice.
     */
    public Sequential logits() {
        if (!(layers.get(layers.size() - 1) instanceof Softmax) || layers.size() == 1) {
            return this;
        }
        return new Sequential(inputFeatures, layers.subList(0, layers.size() - 1), kernels);
    }

    /** Total number of learnable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    @Override
    public boolean usesBatchStatistics() {
        for (Layer l : layers) {
            if (l.usesBatchStatistics()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int outputFeatures(int in) {
        int width = in;
        for (Layer l : layers) {
            width = l.outputFeatures(width);
        }
        return width;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(input " + inputFeatures);
        for (int i = 0; i < layers.size(); i++) {
            sb.append(", ").append(i).append(": ").append(layers.get(i));
        }
        return sb.append(")").toString();
    }
}
