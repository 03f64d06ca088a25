package dev.simdnn.data;

import dev.simdnn.tensor.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads numeric CSV files into data sets. A first line with any cell that is not a number is a
 * header. Every problem is reported with the file, line and column: a cell that is not a number,
 * a row with a different number of cells, a label that is not a class index.
 */
public final class CsvLoader {
    private final char delimiter;

    private CsvLoader(char delimiter) {
        this.delimiter = delimiter;
    }

    /** A loader for comma-separated files. */
    public static CsvLoader comma() {
        return new CsvLoader(',');
    }

    /** A loader for files separated by {@code delimiter}. */
    public static CsvLoader separatedBy(char delimiter) {
        return new CsvLoader(delimiter);
    }

    /** The cells of a file: an optional header and numeric rows, all of one width. */
    public record Table(List<String> header, float[][] rows) {
        public int columns() {
            return rows.length == 0 ? header.size() : rows[0].length;
        }

        /** Index of the column named {@code name} (header required) or given as a number; -1 means the last. */
        public int column(String nameOrIndex, Path file) {
            if (nameOrIndex == null) {
                return columns() - 1;
            }
            try {
                int i = Integer.parseInt(nameOrIndex.trim());
                int idx = i < 0 ? columns() + i : i;
                if (idx < 0 || idx >= columns()) {
                    throw new IllegalArgumentException(file.getFileName() + ": column " + i + " is outside its "
                            + columns() + " columns");
                }
                return idx;
            } catch (NumberFormatException e) {
                int idx = header.indexOf(nameOrIndex);
                if (idx < 0) {
                    throw new IllegalArgumentException(file.getFileName() + ": no column named '" + nameOrIndex + "'"
                            + (header.isEmpty() ? " (the file has no header)" : "; columns: " + header));
                }
                return idx;
            }
        }
    }

    /** Reads every row. */
    public Table read(Path file) throws IOException {
        List<String> header = List.of();
        List<float[]> rows = new ArrayList<>();
        int width = -1;
        String split = Pattern.quote(String.valueOf(delimiter));
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(split, -1);
                if (width < 0 && rows.isEmpty() && header.isEmpty() && !allNumbers(cells)) {
                    header = new ArrayList<>();
                    for (String c : cells) {
                        header.add(c.trim());
                    }
                    width = cells.length;
                    continue;
                }
                if (width >= 0 && cells.length != width) {
                    throw new IllegalArgumentException(file.getFileName() + ":" + lineNo + ": " + cells.length
                            + " cells, but " + (header.isEmpty() ? "the first row has " : "the header has ") + width);
                }
                width = cells.length;
                float[] v = new float[cells.length];
                for (int j = 0; j < cells.length; j++) {
                    v[j] = number(cells[j], file, lineNo, j + 1);
                }
                rows.add(v);
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file.getFileName() + ": no data rows");
        }
        return new Table(header, rows.toArray(new float[0][]));
    }

    /**
     * A classification data set: the label column holds class indices 0…C-1 (C = the largest + 1,
     * at least 2); every other column is a feature.
     */
    public Dataset classification(Path file, String labelColumn) throws IOException {
        Table t = read(file);
        int lc = t.column(labelColumn, file);
        int rows = t.rows().length;
        int f = t.columns() - 1;
        if (f < 1) {
            throw new IllegalArgumentException(file.getFileName() + ": needs at least one feature column besides the label");
        }
        float[] x = new float[rows * f];
        float[] y = new float[rows];
        int classes = 2;
        for (int r = 0; r < rows; r++) {
            float[] row = t.rows()[r];
            float label = row[lc];
            if (label < 0 || label != Math.rint(label) || label > 1_000_000) {
                throw new IllegalArgumentException(file.getFileName() + ": data row " + (r + 1) + ", column " + (lc + 1)
                        + ": label " + label + " is not a class index (0, 1, 2, …)");
            }
            y[r] = label;
            classes = Math.max(classes, (int) label + 1);
            for (int j = 0, k = 0; j < row.length; j++) {
                if (j != lc) {
                    x[r * f + k++] = row[j];
                }
            }
        }
        return new Dataset(Tensor.of(x, rows, f), Tensor.of(y, rows, 1), classes, List.of());
    }

    /** A regression data set: the label column is the value to predict; every other column is a feature. */
    public Dataset regression(Path file, String labelColumn) throws IOException {
        Table t = read(file);
        int lc = t.column(labelColumn, file);
        int rows = t.rows().length;
        int f = t.columns() - 1;
        if (f < 1) {
            throw new IllegalArgumentException(file.getFileName() + ": needs at least one feature column besides the target");
        }
        float[] x = new float[rows * f];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            float[] row = t.rows()[r];
            y[r] = row[lc];
            for (int j = 0, k = 0; j < row.length; j++) {
                if (j != lc) {
                    x[r * f + k++] = row[j];
                }
            }
        }
        return new Dataset(Tensor.of(x, rows, f), Tensor.of(y, rows, 1), 0, List.of());
    }

    private static boolean allNumbers(String[] cells) {
        for (String c : cells) {
            try {
                Float.parseFloat(c.trim());
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static float number(String cell, Path file, int line, int column) {
        String c = cell.trim();
        try {
            float v = Float.parseFloat(c);
            if (!Float.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s:%d:%d: '%s' is not a finite number",
                    file.getFileName(), line, column, c));
        }
    }
}
