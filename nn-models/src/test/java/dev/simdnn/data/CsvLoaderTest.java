package dev.simdnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvLoaderTest {

    @Test
    void headerLabelColumnByNameOrIndexAndDelimiter(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "x1,species,x2\n1.5,2,-3\n\n4,0,5e-1\n");
        Dataset byName = CsvLoader.comma().classification(f, "species");
        assertEquals(2, byName.size());
        assertEquals(3, byName.numClasses(), "classes 0..max");
        assertArrayEquals(new float[] {1.5f, -3f}, byName.features().row(0));
        assertEquals(2, byName.label(0));
        Dataset byIndex = CsvLoader.comma().classification(f, "1");
        assertArrayEquals(byName.features().toArray(), byIndex.features().toArray());
        Path t = dir.resolve("d.tsv");
        Files.writeString(t, "1\t2\t1\n3\t4\t0\n");
        Dataset tsv = CsvLoader.separatedBy('\t').classification(t, null);
        assertArrayEquals(new float[] {3, 4}, tsv.features().row(1));
        assertEquals(0, tsv.label(1));
    }

    @Test
    void errorsNameFileLineAndColumn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("e.csv");
        Files.writeString(f, "a,b,c\n1,2,0\n1,NaN,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvLoader.comma().classification(f, null));
        assertEquals("e.csv:3:2: 'NaN' is not a finite number", e.getMessage());
        Files.writeString(f, "a,b,c\n1,2,0\n1,2\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CsvLoader.comma().classification(f, null))
                .getMessage().startsWith("e.csv:3: 2 cells, but the header has 3"));
        Files.writeString(f, "a,b,c\n1,2,-1\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CsvLoader.comma().classification(f, null))
                .getMessage().contains("label -1.0 is not a class index"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CsvLoader.comma().classification(f, "zz"))
                .getMessage().contains("no column named 'zz'"));
        Files.writeString(f, "a,b,c\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CsvLoader.comma().classification(f, null))
                .getMessage().contains("no data rows"));
    }
}
