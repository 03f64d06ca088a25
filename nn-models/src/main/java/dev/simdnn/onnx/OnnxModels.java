package dev.simdnn.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.io.AtomicFiles;
import dev.simdnn.io.ModelFormatException;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.nn.Sequential;
import dev.simdnn.onnx.proto.Onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * ONNX models, read and written in plain Java (protobuf-java and the classes generated from the
 * official {@code onnx.proto}; no native runtime).
 *
 * <p><b>Import</b> ({@link #load}) turns a graph that is a chain of layers — what
 * {@code torch.onnx.export} writes for an {@code nn.Sequential} MLP — into a {@link Sequential}:
 * <ul>
 *   <li>{@code Gemm} (alpha, beta, transB; transA = 0), {@code MatMul} with a constant weight and an
 *       {@code Add} of a constant bias, as dense layers;</li>
 *   <li>{@code Relu}, {@code LeakyRelu}, {@code Sigmoid}, {@code Tanh}, {@code Elu}, {@code Selu}
 *       (standard constants), {@code Softplus}, {@code Gelu} (opset 20, either form), and the
 *       element-wise graphs exporters write for GELU (erf and tanh forms) and SiLU, fused into the dense layer
 *       before them; {@code PRelu} (one slope or one per feature);</li>
 *   <li>{@code Softmax} (over the features), {@code BatchNormalization} (inference, running
 *       statistics), {@code LayerNormalization} (over the features);</li>
 *   <li>{@code Flatten} (axis 1), {@code Reshape} to {@code [batch, features]}, {@code Identity},
 *       {@code Dropout} (inference): identities on rows; an input of rank 3 or more (an image
 *       {@code [N, C, H, W]}) flattened by the first node is read as rows of C·H·W values;</li>
 *   <li>{@code Add(x, f(x))} as a residual block (the skip path the identity, or a linear map without
 *       bias when the width changes), and the {@code Gemm, Reshape, ReduceMax} of a maxout layer
 *       (both as {@link #save} writes them).</li>
 * </ul>
 * Initializers and {@code Constant}s of FLOAT, DOUBLE, INT64 or INT32 from {@code raw_data} or the
 * typed fields; opsets {@value #MIN_OPSET} to {@value #MAX_OPSET} of the default domain. Anything
 * else — an operator not listed, external data, a graph that is not a chain,
 * several inputs or outputs, a feature dimension that is not fixed — is refused with a
 * {@link ModelFormatException} naming the node, its operator and why. Not yet: {@code Conv},
 * {@code MaxPool}, {@code AveragePool}, {@code GlobalAveragePool} (they come with the convolution
 * layers).
 *
 * <p><b>Export</b> ({@link #save}) writes opset {@value #EXPORT_OPSET}, IR version 8: one node or a few
 * per layer, named as torch's exporter names the equivalent {@code nn.Sequential} (initializers
 * {@code 0.weight}, …), input {@code input [batch, features]}, output {@code output}. Every layer
 * kind has a form but the step activation.
 */
public final class OnnxModels {
    /** The oldest and newest opset of the default domain {@link #load} reads. */
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 21;
    /** The opset {@link #save} writes. */
    public static final int EXPORT_OPSET = 17;
    private static final long MAX_FILE = Integer.MAX_VALUE - 64; // protobuf's own limit on one message

    private OnnxModels() {
    }

    /** {@link #load(Path, Kernels)} on {@link KernelsProvider#best()}. */
    public static Sequential load(Path file) throws IOException {
        return load(file, KernelsProvider.best());
    }

    /**
     * The model of the ONNX file {@code file}, running on {@code kernels}.
     *
     * @throws ModelFormatException naming the file and, where it is one, the node and operator
     * @throws IOException          for I/O (a missing file: {@link NoSuchFileException})
     */
    public static Sequential load(Path file, Kernels kernels) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such ONNX file");
        }
        if (size > MAX_FILE) {
            throw new ModelFormatException(file, size + " bytes: larger than one protobuf message can be (2 GiB); "
                    + "models with external data are not read");
        }
        byte[] bytes = Files.readAllBytes(file);
        Onnx.ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(bytes.length);
            model = Onnx.ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(file, "not a valid ONNX model (protobuf: " + e.getMessage() + ")");
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ModelFormatException(file, "not an ONNX model: it has no graph"
                    + (model.hasIrVersion() ? "" : " and no IR version"));
        }
        try {
            return new OnnxImporter(new OnnxGraph(file, model)).model(kernels);
        } catch (IllegalArgumentException | ArithmeticException e) { // a value a layer refused
            throw new ModelFormatException(file, "invalid model: " + e.getMessage());
        }
    }

    /**
     * Writes {@code model} to {@code file} as ONNX, atomically.
     *
     * @throws IllegalArgumentException naming the layer, for a layer with no ONNX form (the step activation)
     */
    public static void save(Sequential model, Path file) throws IOException {
        byte[] bytes = new OnnxExporter().export(model, version());
        AtomicFiles.write(file, ByteBuffer.wrap(bytes));
    }

    /** The ONNX bytes of {@code model}, as {@link #save} writes them. */
    public static byte[] toBytes(Sequential model) {
        return new OnnxExporter().export(model, version());
    }

    private static String version() {
        String v = OnnxModels.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
