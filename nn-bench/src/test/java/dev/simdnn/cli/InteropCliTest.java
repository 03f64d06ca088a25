package dev.simdnn.cli;

import dev.simdnn.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, part 6: predict, eval and info read simdnn files, ONNX models and state dicts (with
 * --arch) by their content; import and export; a file that is none of them says what it looks like.
 */
class InteropCliTest {
    private static final Path TORCH = Path.of("../nn-models/src/test/resources/dev/simdnn/io/torch");

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** The fixture's inputs as CSV, and torch's classes for them (the argmax of its logits). */
    @SuppressWarnings("unchecked")
    private static String inputsCsv(String io, StringBuilder classes) throws IOException {
        Map<String, Object> fixture = (Map<String, Object>) Json.parse(Files.readString(TORCH.resolve(io)));
        StringBuilder csv = new StringBuilder();
        for (List<Number> row : (List<List<Number>>) fixture.get("inputs")) {
            StringBuilder line = new StringBuilder();
            row.forEach(v -> line.append(line.length() == 0 ? "" : ",").append(v.floatValue()));
            csv.append(line).append('\n');
        }
        for (List<Number> logits : (List<List<Number>>) fixture.get(fixture.containsKey("logits") ? "logits" : "outputs")) {
            int best = 0;
            for (int j = 1; j < logits.size(); j++) {
                best = logits.get(j).doubleValue() > logits.get(best).doubleValue() ? j : best;
            }
            classes.append(best).append('\n');
        }
        return csv.toString();
    }

    private static String classesOf(String predictOut) {
        StringBuilder c = new StringBuilder();
        for (String line : predictOut.strip().split("\n")) {
            c.append(line.split(" ")[0]).append('\n');
        }
        return c.toString();
    }

    @Test
    void anOnnxExportOfTorchIsServedImportedAndExportedAgain(@TempDir Path dir) throws IOException {
        StringBuilder torchClasses = new StringBuilder();
        Path input = Files.writeString(dir.resolve("in.csv"), inputsCsv("torch_act_io.json", torchClasses));
        String onnx = TORCH.resolve("torch_act_opset17.onnx").toString();
        CliRun p = run("predict", "--model", onnx, "--input", input.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(torchClasses.toString(), classesOf(p.out()), "torch's classes");

        Path imported = dir.resolve("act.simdnn");
        CliRun i = run("import", onnx, "--labels", "a,b,c", "--out", imported.toString());
        assertEquals(0, i.code(), i.err());
        CliRun info = run("info", "--model", imported.toString());
        assertTrue(info.out().contains("labels: a, b, c") && info.out().contains("training.imported: " + onnx), info.out());
        CliRun fromFile = run("predict", "--model", imported.toString(), "--input", input.toString());
        assertEquals(p.out().replace("0 ", "a ").replace("1 ", "b ").replace("2 ", "c "), fromFile.out(),
                "the same predictions, now with the class names");

        Path again = dir.resolve("again.onnx");
        CliRun e = run("export", "--model", imported.toString(), "--onnx", again.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("ONNX opset 17, input 'input' [batch, 6], output 'output' [batch, 3]"), e.out());
        assertEquals(p.out(), run("predict", "--model", again.toString(), "--input", input.toString()).out(),
                "exported and read back: the same predictions");
    }

    @Test
    void aStateDictIsImportedWithItsModuleList(@TempDir Path dir) throws IOException {
        StringBuilder torchClasses = new StringBuilder();
        Path input = Files.writeString(dir.resolve("in.csv"), inputsCsv("torch_norm_io.json", torchClasses));
        Path out = dir.resolve("norm.simdnn");
        String sd = TORCH.resolve("torch_norm.safetensors").toString();
        CliRun i = run("import", sd, "--arch", "linear,batchnorm1d,relu,dropout,linear,layernorm,tanh,linear", "--out", out.toString());
        assertEquals(0, i.code(), i.err());
        assertEquals(torchClasses.toString(), classesOf(run("predict", "--model", out.toString(), "--input", input.toString()).out()));
        CliRun noOut = run("import", sd, "--arch", "linear");
        assertEquals(2, noOut.code());
        assertEquals("simdnn: import needs --out MODEL.simdnn", noOut.err().strip());
    }

    @Test
    void aFileThatIsNoModelSaysWhatItLooksLike(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("in.csv"), "1,2,3,4\n");
        Path zip = Files.write(dir.resolve("model.pt"), new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
        CliRun z = run("predict", "--model", zip.toString(), "--input", input.toString());
        assertEquals(2, z.code());
        assertEquals("simdnn: not a model simdnn reads: model.pt: not a simdnn model, a safetensors file or an ONNX model: it "
                + "looks like a zip archive (torch.save writes one: load it in torch and save its state_dict as safetensors, "
                + "or export it to ONNX); first bytes 50 4b 03 04 14 00 00 00", z.err().strip());
        Path text = Files.writeString(dir.resolve("model.txt"), "hello, world\n");
        assertTrue(run("info", "--model", text.toString()).err().contains("it looks like text (\"hello, world…\")"));
        CliRun onnxArch = run("predict", "--model", TORCH.resolve("torch_mlp_opset11.onnx").toString(), "--arch", "linear",
                "--input", input.toString());
        assertEquals(2, onnxArch.code());
        assertTrue(onnxArch.err().contains("torch_mlp_opset11.onnx: an ONNX model, not a bare state dict: it needs no torch "
                + "module list (--arch)"), onnxArch.err());
        Path bogus = Files.write(dir.resolve("bogus.bin"), new byte[] {(byte) 0x81, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertTrue(run("info", "--model", bogus.toString()).err().contains("as safetensors its header length would be"),
                "the header-length reading is said as what it is");
    }
}
