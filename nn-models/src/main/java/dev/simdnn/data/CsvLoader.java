package dev.simdnn.data;

import dev.simdnn.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads numeric CSV files into data sets. A first line with any cell that is not a number is a
 * header; a UTF-8 byte-order mark before it is dropped, and header names may be quoted
 * ({@code "f1"}). Every problem is reported with the file, line and column: a cell that is not a
 * number, a row with a different number of cells, a label that is not a class index, bytes that are
 * not UTF-8.
 *
 * <p>Numbers are decimal: an optional sign, digits with an optional fraction (or a fraction alone),
 * an optional exponent ({@code 3}, {@code -0.25}, {@code .5}, {@code 1e-3}, {@code 2.5E+4}). Hex
 * floats, {@code f}/{@code d} suffixes, {@code NaN} and {@code Infinity} are refused, unlike
 * {@link Float#parseFloat}. Cells are trimmed of spaces and tabs only; any other control character
 * is an error.
 */
public final class CsvLoader {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
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
        try (InputStream r = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            String line;
            int lineNo = 0;
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            while ((line = readLine(r, utf8, file, lineNo + 1)) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a UTF-8 byte-order mark, as spreadsheets write them
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(split, -1);
                if (width < 0 && rows.isEmpty() && header.isEmpty() && !allNumbers(cells)) {
                    header = new ArrayList<>();
                    for (String c : cells) {
                        header.add(unquote(trim(c)));
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
     * The next line (without its {@code \n} or {@code \r\n}), or null at the end; each line is
     * decoded strictly on its own, so invalid UTF-8 is reported at its line number.
     */
    private static String readLine(InputStream r, CharsetDecoder utf8, Path file, int lineNo) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = r.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file.getFileName() + ":" + lineNo + ": not valid UTF-8 (save the file as UTF-8)");
        }
    }

    /** Spaces and tabs off both ends; nothing else (other control characters make the cell invalid). */
    private static String trim(String cell) {
        int a = 0;
        int b = cell.length();
        while (a < b && (cell.charAt(a) == ' ' || cell.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (cell.charAt(b - 1) == ' ' || cell.charAt(b - 1) == '\t')) {
            b--;
        }
        return cell.substring(a, b);
    }

    private static String unquote(String name) {
        return name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
    }

    /**
     * A classification data set: the label column holds class indices 0…C-1 (C = the largest + 1);
     * every other column is a feature. At least two classes must occur, and C may not exceed the
     * number of rows or 1000, whichever is larger (a stray 999999 would otherwise make a
     * million-class model).
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
        int classes = 0;
        BitSet present = new BitSet();
        for (int r = 0; r < rows; r++) {
            float[] row = t.rows()[r];
            float label = row[lc];
            if (label < 0 || label != Math.rint(label) || label > 1_000_000) {
                throw new IllegalArgumentException(file.getFileName() + ": data row " + (r + 1) + ", column " + (lc + 1)
                        + ": label " + label + " is not a class index (0, 1, 2, …)");
            }
            y[r] = label;
            present.set((int) label);
            classes = Math.max(classes, (int) label + 1);
            if (classes > Math.max(1000, rows)) {
                throw new IllegalArgumentException(file.getFileName() + ": data row " + (r + 1) + ", column " + (lc + 1)
                        + ": label " + (int) label + " would make " + classes + " classes from " + rows
                        + " rows; labels must be class indices 0, 1, 2, … (is column " + (lc + 1) + " the label?)");
            }
            for (int j = 0, k = 0; j < row.length; j++) {
                if (j != lc) {
                    x[r * f + k++] = row[j];
                }
            }
        }
        if (present.cardinality() < 2) {
            throw new IllegalArgumentException(file.getFileName() + ": every row has label " + present.nextSetBit(0)
                    + " in column " + (lc + 1) + "; classification needs at least two classes");
        }
        return new Dataset(Tensor.of(x, rows, f), Tensor.of(y, rows, 1), Math.max(2, classes), List.of());
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
            if (!NUMBER.matcher(trim(c)).matches()) {
                return false;
            }
        }
        return true;
    }

    private static float number(String cell, Path file, int line, int column) {
        String c = trim(cell);
        try {
            if (!NUMBER.matcher(c).matches()) {
                throw new NumberFormatException();
            }
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
