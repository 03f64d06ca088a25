package dev.simdnn.spark;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.BundledData;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spark JVM started without {@code --add-modules jdk.incubator.vector} (an executor whose
 * extraJavaOptions forgot it) scores on the scalar backend and logs why; it does not fail.
 */
class WithoutVectorModuleTest {

    /** Run in a child JVM: scores the model file {@code args[0]} in local mode and prints what it used. */
    public static void main(String[] args) throws Exception {
        SimdnnModel model = SimdnnModel.of(Path.of(args[0]));
        List<Row> rows = model.transform(LocalSpark.frame(BundledData.iris(), 2)).orderBy("id").collectAsList();
        System.out.println("backend=" + KernelsProvider.best().name());
        System.out.println("reason=" + KernelsProvider.bestReason());
        System.out.println("first=" + ((Vector) rows.get(0).getAs("rawPrediction")).apply(0));
        LocalSpark.session().stop();
    }

    @Test
    void theScalarBackendRunsAndTheLogSaysWhy(@TempDir Path dir) throws Exception {
        Sequential net = Mlp.builder().input(4).seed(1).kernels(ScalarKernels.INSTANCE).dense(5, Activation.TANH)
                .dense(3).build();
        Path file = dir.resolve("iris.simdnn");
        dev.simdnn.io.ModelFile.save(new SavedModel(net, Task.MULTICLASS, null, List.of(), Map.of()), file);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--add-modules")) {
                i++; // and its value: the point of this test
            } else if (!a.startsWith("--add-modules=") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WithoutVectorModuleTest.class.getName());
        cmd.add(file.toString());
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("backend=scalar"), out);
        // the backend's one log line (java.util.logging's format), before any row is scored
        assertTrue(out.contains("INFO: simdnn kernels: scalar (simd: the jdk.incubator.vector module is not readable "
                + "(start java with --add-modules jdk.incubator.vector))"), out);
        // the scores are the scalar backend's, as this JVM computes them
        SavedModel here = dev.simdnn.io.ModelFile.load(file, ScalarKernels.INSTANCE);
        double expected = here.predictor().outputs(BundledData.iris().features()).get(0, 0);
        assertTrue(out.contains("first=" + expected), "expected first=" + expected + " in\n" + out);
    }
}
