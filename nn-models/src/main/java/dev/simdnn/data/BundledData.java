package dev.simdnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The small real data sets shipped inside {@code nn-models} (see
 * {@code dev/simdnn/data/ATTRIBUTION.md}): UCI optical digits, Wisconsin breast cancer and Fisher's
 * iris, as scikit-learn ships them. Each is read from the class path; nothing is downloaded.
 */
public final class BundledData {
    private BundledData() {
    }

    /** UCI optical digits: 1797 examples of 64 pixels (0..16), 10 classes. */
    public static Dataset digits() {
        List<String> names = new ArrayList<>();
        for (int d = 0; d <= 9; d++) {
            names.add(Integer.toString(d));
        }
        return read("digits.csv.gz", false, 10, names);
    }

    /** Wisconsin diagnostic breast cancer: 569 examples of 30 features; 0 = malignant, 1 = benign. */
    public static Dataset breastCancer() {
        return read("breast_cancer.csv", true, 2, null);
    }

    /** Fisher's iris: 150 examples of 4 features, 3 classes. */
    public static Dataset iris() {
        return read("iris.csv", true, 3, null);
    }

    /**
     * Reads a CSV whose last column is the label. With {@code sklearnHeader}, the first line is
     * scikit-learn's {@code rows,features,name0,name1,…}, which gives the class names and is checked
     * against the data.
     */
    private static Dataset read(String resource, boolean sklearnHeader, int numClasses, List<String> classNames) {
        String path = "/dev/simdnn/data/" + resource;
        try (InputStream raw = BundledData.class.getResourceAsStream(path)) {
            if (raw == null) {
                throw new IllegalStateException("bundled data set " + path + " is missing from the class path");
            }
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int expectedRows = -1;
            if (sklearnHeader) {
                String[] h = reader.readLine().split(",");
                expectedRows = Integer.parseInt(h[0].trim());
                classNames = Arrays.asList(h).subList(2, h.length);
            }
            List<float[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            String line;
            int lineNo = sklearnHeader ? 1 : 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                float[] x = new float[cells.length - 1];
                for (int j = 0; j < x.length; j++) {
                    x[j] = Float.parseFloat(cells[j].trim());
                }
                rows.add(x);
                labels.add((int) Float.parseFloat(cells[cells.length - 1].trim()));
            }
            if (expectedRows >= 0 && rows.size() != expectedRows) {
                throw new IllegalStateException(path + ": header says " + expectedRows + " rows, found " + rows.size());
            }
            int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
            Dataset d = Dataset.classification(rows.toArray(new float[0][]), y, numClasses);
            return new Dataset(d.features(), d.targets(), numClasses, classNames);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled data set " + path, e);
        }
    }
}
