package dev.simdnn.data;

import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataTest {

    @Test
    void bundledSetsHaveTheDocumentedShapes() {
        Dataset digits = BundledData.digits();
        assertEquals(1797, digits.size());
        assertEquals(64, digits.featureCount());
        assertEquals(10, digits.numClasses());
        Dataset bc = BundledData.breastCancer();
        assertEquals(569, bc.size());
        assertEquals(30, bc.featureCount());
        assertEquals("malignant", bc.classNames().get(0));
        assertEquals(212, bc.classCounts()[0], "212 malignant, 357 benign");
        Dataset iris = BundledData.iris();
        assertEquals(150, iris.size());
        assertEquals(50, iris.classCounts()[2]);
        // First digits row, read by hand from the file: 0,0,5,13,9,1,0,0,… label 0
        assertEquals(5f, digits.features().get(0, 2));
        assertEquals(0, digits.label(0));
    }

    @Test
    void stratifiedSplitKeepsClassProportionsAndIsDisjoint() {
        Dataset iris = BundledData.iris();
        Split s = Split.stratified(iris, 0.2, 7);
        assertEquals(30, s.test().size());
        for (int c = 0; c < 3; c++) {
            assertEquals(10, s.test().classCounts()[c]);
            assertEquals(40, s.train().classCounts()[c]);
        }
        Set<String> train = new HashSet<>();
        for (int r = 0; r < s.train().size(); r++) {
            train.add(java.util.Arrays.toString(s.train().features().row(r)) + s.train().label(r));
        }
        int overlap = 0;
        for (int r = 0; r < s.test().size(); r++) {
            overlap += train.contains(java.util.Arrays.toString(s.test().features().row(r)) + s.test().label(r)) ? 1 : 0;
        }
        // Iris has one duplicated example (rows 102 and 143); anything more is a leak.
        assertTrue(overlap <= 1, "examples in both parts: " + overlap);
        Split again = Split.stratified(iris, 0.2, 7);
        assertEquals(java.util.Arrays.toString(s.test().features().toArray()),
                java.util.Arrays.toString(again.test().features().toArray()), "seeded");
        Split other = Split.stratified(iris, 0.2, 8);
        assertNotEquals(java.util.Arrays.toString(s.test().features().toArray()),
                java.util.Arrays.toString(other.test().features().toArray()));
    }

    @Test
    void standardizerCentresAndScalesOnTheTrainingPartOnly() {
        Tensor x = Tensor.ofRows(new float[][] {{1, 10, 5}, {3, 10, 5}, {5, 10, 5}});
        Standardizer s = Standardizer.fit(x);
        assertEquals(3f, s.mean()[0]);
        assertEquals((float) Math.sqrt(8.0 / 3), s.scale()[0], 1e-6f);
        assertEquals(1f, s.scale()[1], "a constant column is only centred");
        Tensor y = s.transform(x);
        assertEquals(-Math.sqrt(1.5), y.get(0, 0), 1e-6);
        assertEquals(0f, y.get(1, 1));
        Standardizer mm = Standardizer.fitMinMax(x);
        Tensor scaled = mm.transform(x);
        assertEquals(0f, scaled.get(0, 0));
        assertEquals(0.5f, scaled.get(1, 0));
        assertEquals(1f, scaled.get(2, 0));
        assertEquals(0f, scaled.get(1, 1), "a constant column is only shifted");
        Tensor other = s.transform(Tensor.ofRows(new float[][] {{7, 10, 5}}));
        assertEquals(4 / Math.sqrt(8.0 / 3), other.get(0, 0), 1e-5, "the test part uses the training statistics");
    }
}
