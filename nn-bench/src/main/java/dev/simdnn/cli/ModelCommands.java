package dev.simdnn.cli;

import dev.simdnn.data.CsvLoader;
import dev.simdnn.data.Dataset;
import dev.simdnn.io.Json;
import dev.simdnn.io.ModelFiles;
import dev.simdnn.io.ModelFormatException;
import dev.simdnn.io.SavedModel;
import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.predict.Prediction;
import dev.simdnn.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code simdnn info}, {@code eval} and {@code predict}: commands on a saved model file. */
final class ModelCommands {
    static final String INFO_HELP = """
            Usage: simdnn info --model FILE
            Prints a model file's architecture, parameter count, labels, scaling and training metadata.
              --json   as JSON
              FILE is a simdnn model file, an ONNX model, or with --arch a PyTorch state_dict:
              --arch M,M,...  the torch.nn.Sequential modules of a bare state_dict (safetensors),
                              e.g. linear,relu,linear or linear,batchnorm1d,relu,dropout,linear
              --task NAME     of an ONNX model or a state_dict: classification (default; binary
                              for one output) or regression
            """;
    static final String EVAL_HELP = """
            Usage: simdnn eval --model FILE --data NAME|FILE.csv [--label COLUMN]
            Loss and accuracy of a saved classifier on a data set (scaled with the model's own scaling).
              --json   as JSON
              FILE is a simdnn model file, an ONNX model, or with --arch a PyTorch state_dict:
              --arch M,M,...  the torch.nn.Sequential modules of a bare state_dict (safetensors),
                              e.g. linear,relu,linear or linear,batchnorm1d,relu,dropout,linear
              --task NAME     of an ONNX model or a state_dict: classification (default; binary
                              for one output) or regression
            """;
    static final String PREDICT_HELP = """
            Usage: simdnn predict --model FILE --input FILE.csv
            One line per input row: the predicted class and its probability. The CSV holds the
            features only (a header line is optional).
              --json   a JSON array of {class, index, probability}
              FILE is a simdnn model file, an ONNX model, or with --arch a PyTorch state_dict:
              --arch M,M,...  the torch.nn.Sequential modules of a bare state_dict (safetensors),
                              e.g. linear,relu,linear or linear,batchnorm1d,relu,dropout,linear
              --task NAME     of an ONNX model or a state_dict: classification (default; binary
                              for one output) or regression
            """;

    private ModelCommands() {
    }

    /**
     * A simdnn model file, an ONNX model, or with {@code --arch} a bare PyTorch state dict (see
     * {@link ModelFiles}): told apart by content.
     */
    static SavedModel load(String file, String arch, String task) {
        if (file == null) {
            throw new UsageException("needs --model FILE");
        }
        try {
            return ModelFiles.open(Path.of(file), arch, task == null ? null : Task.parse(task), KernelsProvider.best());
        } catch (NoSuchFileException e) {
            throw new UsageException("no such model file: " + file);
        } catch (ModelFormatException e) {
            throw new UsageException("not a model simdnn reads: " + e.getMessage());
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + (arch == null ? "" : " --arch " + arch) + ": " + e.getMessage());
        }
    }

    static int info(String[] args, PrintStream out) {
        Options o = new Options(args, 1, Set.of("help", "json"));
        if (o.flag("help")) {
            out.print(INFO_HELP);
            return 0;
        }
        String file = o.string("model", null);
        boolean json = o.flag("json");
        String arch = o.string("arch", null);
        String task = o.string("task", null);
        o.rejectUnknown("info");
        SavedModel m = load(file, arch, task);
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", m.model().toString());
            r.put("parameters", m.model().parameterCount());
            r.put("inputs", m.model().inputFeatures());
            r.put("outputs", m.model().outputFeatures());
            r.put("labels", m.labels());
            r.put("scaling", m.scaling() != null);
            r.put("training", m.training());
            out.print(Json.write(r));
            return 0;
        }
        out.println("model: " + m.model());
        out.println("parameters: " + m.model().parameterCount());
        out.println("inputs: " + m.model().inputFeatures() + ", outputs: " + m.model().outputFeatures());
        out.println("labels: " + (m.labels().isEmpty() ? "(none)" : String.join(", ", m.labels())));
        out.println("scaling: " + (m.scaling() == null ? "none" : "standardized, fitted on the training split"));
        m.training().forEach((k, v) -> out.println("training." + k + ": " + v));
        return 0;
    }

    static int eval(String[] args, PrintStream out) {
        Options o = new Options(args, 1, Set.of("help", "json"));
        if (o.flag("help")) {
            out.print(EVAL_HELP);
            return 0;
        }
        String file = o.string("model", null);
        String data = o.string("data", null);
        String label = o.string("label", null);
        boolean json = o.flag("json");
        String arch = o.string("arch", null);
        String task = o.string("task", null);
        o.rejectUnknown("eval");
        if (data == null) {
            throw new UsageException("eval needs --data NAME|FILE.csv");
        }
        SavedModel m = load(file, arch, task);
        boolean regression = m.task() == Task.REGRESSION;
        Dataset d = regression ? regressionData(data, label) : DataOption.load(data, label, ',');
        Sequential model = m.model();
        if (d.featureCount() != model.inputFeatures()) {
            throw new UsageException(Path.of(file).getFileName() + " expects " + model.inputFeatures()
                    + " features but " + data + " has " + d.featureCount());
        }
        if (m.scaling() != null) {
            d = m.scaling().transform(d);
        }
        Evaluation e;
        try {
            e = m.evaluator().evaluate(d);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", file);
            r.put("data", data);
            r.put("loss", (double) e.loss());
            r.put("accuracy", regression ? null : (Object) (double) e.accuracy());
            r.put("examples", e.examples());
            out.print(Json.write(r));
            return 0;
        }
        if (regression) {
            out.printf(Locale.ROOT, "%s on %s: loss %.4f (mse, %d examples)%n", Path.of(file).getFileName(), data, e.loss(),
                    e.examples());
        } else {
            out.printf(Locale.ROOT, "%s on %s: loss %.4f  accuracy %.4f (%d examples)%n", Path.of(file).getFileName(), data,
                    e.loss(), e.accuracy(), e.examples());
        }
        return 0;
    }

    private static Dataset regressionData(String data, String label) {
        if (!data.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new UsageException("a regression model is evaluated on a FILE.csv");
        }
        try {
            return CsvLoader.comma().regression(Path.of(data), label);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + data);
        } catch (IOException e) {
            throw new UsageException("cannot read " + data + ": " + e.getMessage());
        }
    }

    static int predict(String[] args, PrintStream out) {
        Options o = new Options(args, 1, Set.of("help", "json"));
        if (o.flag("help")) {
            out.print(PREDICT_HELP);
            return 0;
        }
        String file = o.string("model", null);
        String input = o.string("input", null);
        boolean json = o.flag("json");
        String arch = o.string("arch", null);
        String task = o.string("task", null);
        o.rejectUnknown("predict");
        if (input == null) {
            throw new UsageException("predict needs --input FILE.csv");
        }
        SavedModel m = load(file, arch, task);
        CsvLoader.Table t;
        try {
            t = CsvLoader.comma().read(Path.of(input));
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + input);
        } catch (IOException e) {
            throw new UsageException("cannot read " + input + ": " + e.getMessage());
        }
        Sequential model = m.model();
        if (t.columns() != model.inputFeatures()) {
            throw new UsageException(Path.of(file).getFileName() + " expects " + model.inputFeatures() + " features but "
                    + input + " has " + t.columns() + " columns");
        }
        List<Object> predictions = new ArrayList<>();
        for (Prediction p : m.predictor().predict(Tensor.ofRows(t.rows()))) {
            if (m.task() == Task.REGRESSION) {
                if (json) {
                    predictions.add((double) p.value());
                } else {
                    out.printf(Locale.ROOT, "%s%n", p.value());
                }
                continue;
            }
            int cls = p.classIndex();
            String name = cls < m.labels().size() ? m.labels().get(cls) : Integer.toString(cls);
            if (json) {
                Map<String, Object> pr = new LinkedHashMap<>();
                pr.put("class", name);
                pr.put("index", cls);
                pr.put("probability", (double) p.probability());
                predictions.add(pr);
            } else {
                out.printf(Locale.ROOT, "%s %.4f%n", name, p.probability());
            }
        }
        if (json) {
            out.print(Json.write(predictions));
        }
        return 0;
    }
}
