package dev.simdnn.cli;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.CsvLoader;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.IdxLoader;
import dev.simdnn.data.Split;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code --data}: a bundled data set by name, {@code fashion-mnist[=DIR]} (default DIR: where Debian's
 * {@code dataset-fashion-mnist} installs it), or a CSV file whose label column is {@code --label}.
 */
final class DataOption {
    static final String FASHION_DIR = "/usr/share/datasets/fashion-mnist";

    private DataOption() {
    }

    /**
     * The train/test split: Fashion-MNIST's own, or a seeded stratified split of any other set;
     * a CSV's cells separated by {@code delimiter}.
     */
    static Split split(String data, String labelColumn, double testFraction, long seed, boolean regression,
                       char delimiter) {
        if (regression) {
            if (!data.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                throw new UsageException("--task regression needs a FILE.csv (the bundled sets are classification data)");
            }
            try {
                return Split.random(CsvLoader.separatedBy(delimiter).regression(Path.of(data), labelColumn),
                        testFraction, seed);
            } catch (NoSuchFileException e) {
                throw new UsageException("no such file: " + data);
            } catch (IOException e) {
                throw new UsageException("cannot read " + data + ": " + e.getMessage());
            }
        }
        String lower = data.toLowerCase(Locale.ROOT);
        if (lower.equals("fashion-mnist") || lower.startsWith("fashion-mnist=")) {
            Path dir = Path.of(lower.equals("fashion-mnist") ? FASHION_DIR : data.substring(data.indexOf('=') + 1));
            try {
                return IdxLoader.fashionMnist(dir);
            } catch (NoSuchFileException e) {
                throw new UsageException("Fashion-MNIST is not in " + dir + " (" + e.getFile()
                        + " is missing); install it with: apt-get install -y dataset-fashion-mnist");
            } catch (IOException e) {
                throw new UsageException("cannot read Fashion-MNIST from " + dir + ": " + e.getMessage());
            }
        }
        return Split.stratified(load(data, labelColumn, delimiter), testFraction, seed);
    }

    /** A classification data set by name or CSV path, cells separated by {@code delimiter}. */
    static Dataset load(String data, String labelColumn, char delimiter) {
        switch (data.toLowerCase(Locale.ROOT)) {
            case "digits":
                return BundledData.digits();
            case "breast-cancer", "breast_cancer":
                return BundledData.breastCancer();
            case "iris":
                return BundledData.iris();
            default:
                break;
        }
        if (!data.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new UsageException("unknown data set '" + data + "'; known: digits, breast-cancer, iris, or a FILE.csv");
        }
        try {
            return CsvLoader.separatedBy(delimiter).classification(Path.of(data), labelColumn);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + data);
        } catch (IOException e) {
            throw new UsageException("cannot read " + data + ": " + e.getMessage());
        }
    }
}
