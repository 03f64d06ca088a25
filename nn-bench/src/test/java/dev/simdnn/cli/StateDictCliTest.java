package dev.simdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 13, part 3 on the command line: a bare PyTorch state dict served with --arch. */
class StateDictCliTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void predictServesATorchStateDictAndNamesWhatIsWrong(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("torch_mlp.safetensors");
        // written by PyTorch 1.13 (nn-models/src/test/resources/dev/simdnn/io/torch/make-torch-fixtures.py)
        try (InputStream in = Files.newInputStream(Path.of("../nn-models/src/test/resources/dev/simdnn/io/torch/torch_mlp.safetensors"))) {
            Files.copy(in, model);
        }
        Path input = Files.writeString(dir.resolve("in.csv"),
                "-1.1828330755233765,0.783242404460907,0.8836403489112854,1.6930923461914062\n");
        CliRun r = run("predict", "--model", model.toString(), "--arch", "linear,relu,linear", "--input", input.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("2 0.6325", r.out().strip(), "torch's class and softmax probability for this row");
        CliRun bare = run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(2, bare.code());
        assertTrue(bare.err().contains("a safetensors file without simdnn metadata: a bare state dict? give the torch.nn.Sequential modules it belongs to (--arch linear,relu,linear)"), bare.err());
        CliRun wrong = run("predict", "--model", model.toString(), "--arch", "linear,relu,linear,relu,linear", "--input",
                input.toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("module 4 (linear): the tensors have no 2-D 4.weight"), wrong.err());
    }
}
