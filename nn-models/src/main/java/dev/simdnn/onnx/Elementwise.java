package dev.simdnn.onnx;

import dev.simdnn.io.ModelFormatException;
import dev.simdnn.kernel.Activation;
import dev.simdnn.onnx.proto.Onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recognises a group of element-wise nodes as one of simdnn's activations. Exporters write some
 * activations as small graphs: torch writes {@code GELU(approximate='tanh')} as nine Mul, Add and
 * Tanh nodes, {@code nn.GELU()} as {@code Div, Erf, Add, Mul, Mul}, {@code SiLU} as
 * {@code Mul(x, Sigmoid(x))}. The group is evaluated, in double, as
 * a function of one variable at 241 points in [-8, 8] and compared with each candidate activation;
 * it is taken for one only if they agree to {@code 1e-5·(1 + |f|)} at every point. The constants of
 * the group must be single values (a per-feature constant is no activation). Anything else is
 * refused, naming the nodes.
 */
final class Elementwise {
    private Elementwise() {
    }

    private static final List<Activation> CANDIDATES = List.of(Activation.RELU, Activation.SIGMOID, Activation.TANH,
            Activation.GELU, Activation.GELU_ERF, Activation.SWISH, Activation.SOFTPLUS, Activation.SELU, Activation.elu(1f));

    /** The activation {@code group} computes from {@code x}, or null when it is none of simdnn's. */
    static Activation match(OnnxGraph g, String x, List<Onnx.NodeProto> group) throws ModelFormatException {
        for (Onnx.NodeProto n : group) {
            for (String in : n.getInputList()) {
                OnnxGraph.Const c = g.constants.get(in);
                if (c != null && !c.scalar()) {
                    throw g.refuse(n, "an element-wise computation with a constant of shape " + java.util.Arrays.toString(c.dims())
                            + " (not a single value): not an activation simdnn reads");
                }
            }
            if (n.getOpType().equals("Cast")) {
                long to = g.intAttr(n, "to", Onnx.TensorProto.DataType.FLOAT_VALUE);
                if (to != Onnx.TensorProto.DataType.FLOAT_VALUE && to != Onnx.TensorProto.DataType.DOUBLE_VALUE) {
                    throw g.refuse(n, "casts to " + OnnxGraph.dataTypeName((int) to) + " inside an element-wise computation");
                }
            }
        }
        double[] points = new double[241];
        double[] f = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            points[i] = -8 + i / 15.0 + 1e-3; // off the integers, so 0 itself is not a probe point
            f[i] = evaluate(g, x, group, points[i]);
        }
        for (Activation a : CANDIDATES) {
            boolean same = true;
            for (int i = 0; i < points.length && same; i++) {
                double want = a.apply(points[i]);
                same = Math.abs(f[i] - want) <= 1e-5 * (1 + Math.abs(want));
            }
            if (same) {
                return a;
            }
        }
        return null;
    }

    /** The refusal for a {@code group} that {@link #match} did not recognise. */
    static ModelFormatException refusal(OnnxGraph g, String x, List<Onnx.NodeProto> group) {
        Onnx.NodeProto last = group.get(group.size() - 1);
        List<String> ops = new ArrayList<>();
        group.forEach(n -> ops.add(n.getOpType()));
        return g.refuse(last, "the element-wise nodes " + ops + " from '" + x + "' compute none of simdnn's activations "
                + "(relu, sigmoid, tanh, gelu (tanh and erf forms), silu, softplus, selu, elu)");
    }

    private static double evaluate(OnnxGraph g, String x, List<Onnx.NodeProto> group, double at) throws ModelFormatException {
        Map<String, Double> v = new HashMap<>();
        v.put(x, at);
        for (Onnx.NodeProto n : group) {
            double[] in = new double[n.getInputCount()];
            for (int i = 0; i < in.length; i++) {
                String name = n.getInput(i);
                Double known = v.get(name);
                in[i] = known != null ? known : g.constants.get(name).values()[0];
            }
            double r = switch (n.getOpType()) {
                case "Add" -> in[0] + in[1];
                case "Sub" -> in[0] - in[1];
                case "Mul" -> in[0] * in[1];
                case "Div" -> in[0] / in[1];
                case "Pow" -> Math.pow(in[0], in[1]);
                case "Neg" -> -in[0];
                case "Tanh" -> Math.tanh(in[0]);
                case "Sigmoid" -> Activation.sigmoid(in[0]);
                case "Erf" -> 1 - Activation.erfc(in[0]);
                case "Exp" -> Math.exp(in[0]);
                case "Log" -> Math.log(in[0]);
                case "Sqrt" -> Math.sqrt(in[0]);
                case "Abs" -> Math.abs(in[0]);
                case "Relu" -> Math.max(in[0], 0);
                case "Identity", "Cast" -> in[0];
                default -> throw g.refuse(n, "not an element-wise operator");
            };
            v.put(n.getOutput(0), r);
        }
        return v.get(group.get(group.size() - 1).getOutput(0));
    }
}
