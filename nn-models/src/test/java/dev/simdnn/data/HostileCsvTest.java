package dev.simdnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11, cases 7, 12 and 14: CSV files that were read quietly wrong. */
class HostileCsvTest {

    private static Path csv(Path dir, String text) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static String refused(Path f) {
        return assertThrows(IllegalArgumentException.class, () -> CsvLoader.comma().classification(f, null)).getMessage();
    }

    @Test
    void aByteOrderMarkNeitherEatsARowNorSticksToAName(@TempDir Path dir) throws IOException {
        Dataset noHeader = CsvLoader.comma().classification(csv(dir, "\uFEFF1,2,0\n3,4,1\n5,6,1\n"), null);
        assertEquals(3, noHeader.size(), "the first row is data, not a header");
        Dataset quoted = CsvLoader.comma().classification(csv(dir, "\uFEFF\"f1\",\"f2\",\"y\"\n1,2,0\n3,4,1\n"), "y");
        assertEquals(2, quoted.size());
        CsvLoader.Table t = CsvLoader.comma().read(csv(dir, "\uFEFF\"f1\",f2,label\n1,2,0\n"));
        assertEquals(java.util.List.of("f1", "f2", "label"), t.header());
        assertEquals(0, t.column("f1", dir.resolve("data.csv")));
    }

    @Test
    void numbersFollowOneDecimalSyntax() throws IOException {
        for (String bad : new String[] {"0x1p3", "1f", "2d", "NaN", "Infinity", "1,5"}) {
            Path dir = Files.createTempDirectory("csv");
            String m = refused(csv(dir, "1,2,0\n" + bad.replace(",", ";") + ",4,1\n3,3,0\n"));
            assertTrue(m.startsWith("data.csv:2:1: '") && m.contains("is not a finite number"), bad + ": " + m);
        }
        Path dir = Files.createTempDirectory("csv");
        Dataset ok = CsvLoader.comma().classification(csv(dir, "-0.5,.25,0\n+1e-3, 2.5E+4 ,1\n3.,\t4\t,0\n"), null);
        assertEquals(3, ok.size());
        assertEquals(25000f, ok.features().get(1, 1), 0f);
        String control = refused(csv(dir, "1,2,0\n3\u0001,4,1\n"));
        assertTrue(control.contains("data.csv:2:1"), control);
    }

    @Test
    void invalidUtf8IsNamedWithItsLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data.csv");
        byte[] good = "1,2,0\n3,4,1\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 7);
        System.arraycopy(new byte[] {'5', ',', (byte) 0xff, '6', ',', '1', '\n'}, 0, bad, good.length, 7);
        Files.write(f, bad);
        String m = refused(f);
        assertTrue(m.contains("data.csv:3: not valid UTF-8"), m);
    }

    @Test
    void aSingleClassOrAStrayHugeLabelIsRefused(@TempDir Path dir) throws IOException {
        String five = refused(csv(dir, "1,2,5\n3,4,5\n5,6,5\n"));
        assertTrue(five.contains("every row has label 5 in column 3; classification needs at least two classes"), five);
        String stray = refused(csv(dir, "1,2,0\n3,4,1\n5,6,999999\n"));
        assertTrue(stray.contains("data row 3, column 3: label 999999 would make 1000000 classes from 3 rows"), stray);
        assertEquals(1000, CsvLoader.comma().classification(csv(dir, "1,2,0\n3,4,999\n"), null).numClasses(),
                "up to 1000 classes whatever the rows");
        assertEquals(3, CsvLoader.comma().classification(csv(dir, "1,2,0\n3,4,2\n5,6,1\n"), null).numClasses());
    }

    @Test
    void aStratifiedSplitOfOneRowPerClassSaysWhy(@TempDir Path dir) throws IOException {
        Dataset d = CsvLoader.comma().classification(csv(dir, "1,2,0\n3,4,1\n5,6,2\n"), null);
        String m = assertThrows(IllegalArgumentException.class, () -> Split.stratified(d, 0.2, 1)).getMessage();
        assertTrue(m.contains("leaves the test part empty (the largest class has 1 example)")
                && m.contains("use more data per class"), m);
    }
}
