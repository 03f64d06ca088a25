package dev.simdnn.cli;

import dev.simdnn.train.TrainingDivergedException;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code simdnn} command-line tool. Bad input ends with exit code 2 and one line on stderr
 * (a stack trace only with {@code --debug}).
 */
public final class Main {
    static final String HELP = """
            Usage: simdnn COMMAND [options]

            Commands:
              train     train an MLP on a data set and report its test accuracy (--out saves it)
              compare   the same training on the scalar and the SIMD backend, side by side
              eval      loss and accuracy of a model on a data set
              predict   predictions of a model for the rows of a CSV file
                        (eval, predict, info: a simdnn model file, an ONNX model, or a PyTorch
                        state_dict with --arch)
              info      architecture, parameters and metadata of a saved model
              import    an ONNX model or a PyTorch state_dict (with --arch) into a simdnn model file
              export    a model to ONNX
              report    benchmark sweep → report.md, report.html (SVG charts), results.json
              profile   where a training step and an inference pass spend their time, per phase
              bench     run JMH benchmarks: simdnn bench [JMH options] [GemmBench|ActivationBench …]
                        (e.g. simdnn bench GemmBench -p backend=simd -p threads=1 -p shape=512x512x512:NN)

            Run 'simdnn COMMAND --help' for a command's options. Add --debug for stack traces.
            """;

    private Main() {
    }

    /** Hands the arguments to JMH's own command line (benchmarks fork JVMs with the incubator module). */
    private static int bench(String[] jmhArgs) {
        try {
            org.openjdk.jmh.Main.main(jmhArgs);
            return 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the process exit code (0 ok, 1 failure, 2 bad input). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = false;
        for (String a : args) {
            debug |= a.equals("--debug");
        }
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        try {
            if (rest.length == 0 || rest[0].equals("--help") || rest[0].equals("help")) {
                out.print(HELP);
                return rest.length == 0 ? 2 : 0;
            }
            return switch (rest[0]) {
                case "train" -> TrainCommand.run(rest, out, err);
                case "bench" -> bench(Arrays.copyOfRange(rest, 1, rest.length));
                case "report" -> ReportCommand.run(rest, out, err);
                case "profile" -> ProfileCommand.run(rest, out);
                case "info" -> ModelCommands.info(rest, out);
                case "compare" -> CompareCommand.run(rest, out, err);
                case "eval" -> ModelCommands.eval(rest, out);
                case "predict" -> ModelCommands.predict(rest, out);
                case "import" -> InteropCommands.importModel(rest, out);
                case "export" -> InteropCommands.export(rest, out);
                default -> throw new UsageException("unknown command '" + rest[0] + "' (see simdnn --help)");
            };
        } catch (UsageException e) {
            err.println("simdnn: " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (TrainingDivergedException e) {
            err.println("simdnn: " + e.getMessage() + "; nothing was saved");
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("simdnn: " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return 2;
        } catch (RuntimeException e) {
            err.println("simdnn: failed: " + e);
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }
}
