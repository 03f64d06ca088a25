package dev.simdnn.cli;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.CsvLoader;
import dev.simdnn.data.Dataset;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code --data}: a bundled data set by name, or a CSV file whose label column is {@code --label}. */
final class DataOption {
    private DataOption() {
    }

    static Dataset load(String data, String labelColumn) {
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
            return CsvLoader.comma().classification(Path.of(data), labelColumn);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + data);
        } catch (IOException e) {
            throw new UsageException("cannot read " + data + ": " + e.getMessage());
        }
    }
}
