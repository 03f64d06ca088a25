package dev.simdnn.io;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.predict.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model's task is a typed field of the file, read back without a backend argument; files
 * written before the field existed (fixtures made by simdnn 9d62a13, see make-legacy-fixtures.sh)
 * still load with the task they had.
 */
class ModelFileTaskTest {

    private static Path fixture(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = ModelFileTaskTest.class.getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void everyTaskRoundTripsAsATypedField(@TempDir Path dir) throws IOException {
        for (Task task : Task.values()) {
            Sequential m = Mlp.builder().input(3).dense(task == Task.MULTICLASS ? 4 : 1).seed(2).build();
            Path file = dir.resolve(task.id() + ".simdnn");
            ModelFile.save(new SavedModel(m, task, null, List.of(), Map.of()), file);
            SavedModel loaded = ModelFile.load(file);
            assertEquals(task, loaded.task());
            assertSame(KernelsProvider.best(), loaded.model().kernels(), "load(Path) binds the best backend");
            String header = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("\"task\": \"" + task.id() + "\""), header);
        }
        Path file = dir.resolve("regression.simdnn");
        assertSame(ScalarKernels.INSTANCE, ModelFile.load(file, ScalarKernels.INSTANCE).model().kernels());
    }

    @Test
    void legacyFilesKeepTheirTask(@TempDir Path dir) throws IOException {
        SavedModel reg = ModelFile.load(fixture(dir, "legacy-regression.simdnn"));
        assertEquals(Task.REGRESSION, reg.task(), "from the old training.task metadata");
        Prediction p = reg.predictor().predict(new float[] {0.5f, 0.5f});
        assertTrue(Float.isFinite(p.value()) && p.classIndex() == -1, p.toString());
        SavedModel iris = ModelFile.load(fixture(dir, "legacy-iris.simdnn"));
        assertEquals(Task.MULTICLASS, iris.task(), "three outputs: a multi-class classifier");
        assertEquals(List.of("setosa", "versicolor", "virginica"), iris.labels());
    }

    @Test
    void aTaskThatDoesNotFitTheOutputsIsRefused(@TempDir Path dir) {
        Sequential one = Mlp.builder().input(3).dense(1).seed(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SavedModel(one, Task.MULTICLASS, null, List.of(), Map.of()));
        assertTrue(e.getMessage().contains("2 or more outputs"), e.getMessage());
        assertEquals(Task.BINARY, new SavedModel(one, null, List.of(), Map.of()).task(), "a one-output classifier");
        assertEquals(Task.REGRESSION, Task.parse(" Regression "));
        assertThrows(IllegalArgumentException.class, () -> Task.parse("ranking"));
    }
}
