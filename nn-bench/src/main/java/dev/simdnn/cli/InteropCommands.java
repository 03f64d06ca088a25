package dev.simdnn.cli;

import dev.simdnn.io.AtomicFiles;
import dev.simdnn.io.ModelFile;
import dev.simdnn.io.SavedModel;
import dev.simdnn.onnx.OnnxModels;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code simdnn import} (a state dict or an ONNX model into a simdnn model file) and {@code simdnn export} (to ONNX). */
final class InteropCommands {
    static final String IMPORT_HELP = """
            Usage: simdnn import FILE [--arch M,M,...] [--task NAME] [--labels A,B,...] --out MODEL.simdnn
            Reads an ONNX model, or a bare PyTorch state_dict (safetensors) with its torch.nn.Sequential
            modules, and saves it as a simdnn model file (written atomically).
              --arch M,M,...   the torch modules of a state_dict, e.g. linear,relu,linear
              --task NAME      classification (default; binary for one output) or regression
              --labels A,B,... the class names, one per output
            """;
    static final String EXPORT_HELP = """
            Usage: simdnn export --model FILE --onnx OUT.onnx
            Writes a model (a simdnn model file, or any model 'predict' reads) as ONNX, opset 17, for
            ONNX Runtime, Triton and other ONNX readers (written atomically). The model's feature
            scaling, if it has one, is not part of the graph: scale the inputs as 'info' shows.
              --arch, --task   as for predict, for a state_dict or ONNX input
            """;

    private InteropCommands() {
    }

    static int importModel(String[] args, PrintStream out) {
        Options o = new Options(args, 1, Set.of("help"));
        if (o.flag("help")) {
            out.print(IMPORT_HELP);
            return 0;
        }
        List<String> files = o.takePositional();
        String arch = o.string("arch", null);
        String task = o.string("task", null);
        String labels = o.string("labels", null);
        String target = o.string("out", null);
        o.rejectUnknown("import");
        if (files.size() != 1) {
            throw new UsageException("import needs one FILE to read, got " + (files.isEmpty() ? "none" : files));
        }
        if (target == null) {
            throw new UsageException("import needs --out MODEL.simdnn");
        }
        Path outFile = Path.of(target);
        writable(outFile);
        SavedModel m = ModelCommands.load(files.get(0), arch, task);
        List<String> names = labels == null ? m.labels() : Arrays.asList(labels.split(","));
        if (labels != null && names.size() != m.model().outputFeatures() && m.task().isClassification()) {
            throw new UsageException("--labels names " + names.size() + " classes but the model has "
                    + m.model().outputFeatures() + " outputs");
        }
        Map<String, String> training = new LinkedHashMap<>(m.training());
        training.put("imported", files.get(0));
        SavedModel saved = new SavedModel(m.model(), m.task(), m.scaling(), new ArrayList<>(names), training);
        try {
            ModelFile.save(saved, outFile);
        } catch (IOException e) {
            throw new UsageException("cannot write " + target + ": " + e.getMessage());
        }
        out.println("imported " + files.get(0) + " (" + m.task().id() + ", " + m.model().parameterCount() + " parameters): "
                + m.model() + " -> " + target);
        return 0;
    }

    static int export(String[] args, PrintStream out) {
        Options o = new Options(args, 1, Set.of("help"));
        if (o.flag("help")) {
            out.print(EXPORT_HELP);
            return 0;
        }
        String file = o.string("model", null);
        String arch = o.string("arch", null);
        String task = o.string("task", null);
        String target = o.string("onnx", null);
        o.rejectUnknown("export");
        if (target == null) {
            throw new UsageException("export needs --onnx OUT.onnx");
        }
        Path outFile = Path.of(target);
        writable(outFile);
        SavedModel m = ModelCommands.load(file, arch, task);
        try {
            OnnxModels.save(m.model(), outFile);
        } catch (IOException e) {
            throw new UsageException("cannot write " + target + ": " + e.getMessage());
        }
        out.println("exported " + file + " -> " + target + " (ONNX opset " + OnnxModels.EXPORT_OPSET + ", input 'input' [batch, "
                + m.model().inputFeatures() + "], output 'output' [batch, " + m.model().outputFeatures() + "])"
                + (m.scaling() != null ? "; the model's feature scaling is not in the graph: scale inputs first" : ""));
        return 0;
    }

    /** Before any work: a target whose directory is missing or read-only fails now, not after the import. */
    private static void writable(Path target) {
        try {
            AtomicFiles.checkWritable(target);
        } catch (IOException e) {
            throw new UsageException("cannot write " + target + ": " + e.getMessage());
        }
    }
}
