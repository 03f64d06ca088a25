package dev.simdnn.nn;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A residual block (He et al. 2016): {@code y = x + f(x)}, or {@code y = P·x + f(x)} with a learned
 * linear projection {@code P} (no bias) when {@code f} changes the width. The skip path carries the
 * gradient past {@code f} unchanged, which is why deep stacks of these still train:
 * {@code dx = dy + f'(x)ᵀ·dy} (or {@code Pᵀ·dy + f'(x)ᵀ·dy}).
 *
 * <p>{@code f} is any layer, usually a {@link Sequential} of a few layers. Parameters: those of
 * {@code f}, then the projection's weight.
 */
public final class Residual implements Layer {
    private final int in;
    private final int out;
    private final Layer body;
    private final Dense projection; // null for the identity skip
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;

    /**
     * {@code x + body(x)} for input width {@code in}; if {@code body} maps {@code in} to another
     * width, the skip path gets a projection initialised Xavier-uniform from {@code rng}.
     */
    public Residual(int in, Layer body, RandomGenerator rng) {
        Shapes.positive("residual input width", in);
        this.in = in;
        this.body = Objects.requireNonNull(body, "body");
        this.out = body.outputFeatures(in);
        this.projection = out == in ? null
                : new Dense(in, out, Activation.IDENTITY, false, Initializer.xavierUniform(), Objects.requireNonNull(rng, "rng"));
        this.yBuf = new RowBuffer(out);
        this.dxBuf = new RowBuffer(in);
    }

    /** {@code x + body(x)}; {@code body} must keep the width {@code in}. */
    public Residual(int in, Layer body) {
        Shapes.positive("residual input width", in);
        this.in = in;
        this.body = Objects.requireNonNull(body, "body");
        this.out = body.outputFeatures(in);
        if (out != in) {
            throw new IllegalArgumentException("residual body maps " + in + " -> " + out
                    + " features: give a RandomGenerator for the skip projection");
        }
        this.projection = null;
        this.yBuf = new RowBuffer(out);
        this.dxBuf = new RowBuffer(in);
    }

    private Residual(Residual shared) {
        this(shared, shared.body.inferenceCopy(), shared.projection == null ? null : new Dense(shared.projection));
    }

    /** {@code shape}'s widths with this body and projection. */
    private Residual(Residual shape, Layer body, Dense projection) {
        this.in = shape.in;
        this.out = shape.out;
        this.body = body;
        this.projection = projection;
        this.yBuf = new RowBuffer(out);
        this.dxBuf = new RowBuffer(in);
    }

    /** With the body frozen ({@link Frozen}) and a detached copy of the projection. */
    Residual frozen(Kernels kernels) {
        return new Residual(this, Frozen.of(body, kernels), projection == null ? null : projection.detachedCopy());
    }

    public Layer body() {
        return body;
    }

    /** The skip projection, or {@code null} for the identity skip. */
    public Dense projection() {
        return projection;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, in);
        Tensor fx = body.forward(kernels, input, mode);
        Tensor skip = projection == null ? input : projection.forward(kernels, input, mode);
        Tensor y = yBuf.rows(input.rows());
        kernels.blas().add(y.size(), fx.data(), fx.offset(), skip.data(), skip.offset(), y.data(), y.offset());
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (gradOutput.rank() != 2 || gradOutput.cols() != out) {
            throw new IllegalArgumentException(this + ": gradient " + gradOutput.shape() + " does not match its output width " + out);
        }
        Tensor dBody = body.backward(kernels, gradOutput, needInputGradient);
        Tensor dSkip = projection == null ? gradOutput : projection.backward(kernels, gradOutput, needInputGradient);
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = dxBuf.rows(gradOutput.rows());
        kernels.blas().add(dx.size(), dBody.data(), dBody.offset(), dSkip.data(), dSkip.offset(), dx.data(), dx.offset());
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(body.parameters());
        if (projection != null) {
            all.addAll(projection.parameters());
        }
        return Collections.unmodifiableList(all);
    }

    /** {@code body.<name>} for the body's parameters (nested names for a Sequential body), {@code projection.weight}. */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        Sequential.putNamed(named, "body.", body);
        if (projection != null) {
            Sequential.putNamed(named, "projection.", projection);
        }
        return Collections.unmodifiableMap(named);
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        body.buffers().forEach((k, v) -> named.put("body." + k, v));
        return Collections.unmodifiableMap(named);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        if (inputFeatures != in) {
            throw new IllegalArgumentException(this + " expects " + in + " features, got " + inputFeatures);
        }
        return out;
    }

    @Override
    public Layer inferenceCopy() {
        return new Residual(this);
    }

    @Override
    public String toString() {
        return "Residual(" + body + (projection == null ? "" : ", projection " + in + " -> " + out) + ")";
    }

    @Override
    public boolean usesBatchStatistics() {
        return body.usesBatchStatistics();
    }
}
