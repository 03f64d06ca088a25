package dev.simdnn.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    @Test
    void zerosAndOfAreRowMajor() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(Shape.of(2, 3), t.shape());
        assertEquals(6f, t.get(1, 2));
        assertEquals(4f, t.get(1, 0));
        assertEquals(2f, t.get(0, 1));
        assertEquals(5f, t.getFlat(4));
        Tensor z = Tensor.zeros(2, 2, 2, 2);
        assertEquals(16, z.size());
        z.set(7f, 1, 0, 1, 1);
        assertEquals(7f, z.getFlat(8 + 2 + 1));
    }

    @Test
    void rowViewSharesTheArray() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        Tensor v = t.rows(1, 3);
        assertEquals(Shape.of(2, 2), v.shape());
        assertEquals(3f, v.get(0, 0));
        assertEquals(2, v.offset());
        v.set(1, 1, -6f);
        assertEquals(-6f, t.get(2, 1), "writing through a view writes the parent");
        assertEquals(0, t.rows(4, 4).rows(), "empty views are allowed");
        assertArrayEquals(new float[] {3, 4, 5, -6}, v.toArray());
    }

    @Test
    void copyIsIndependent() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor c = t.rows(1, 2).copy();
        c.set(0, 0, 99f);
        assertEquals(3f, t.get(1, 0));
        assertEquals(0, c.offset());
    }

    @Test
    void reshapeIsAViewAndChecksSize() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = t.reshape(3, 2);
        r.set(2, 1, 0f);
        assertEquals(0f, t.get(1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void badShapesAndIndicesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0));
        Tensor t = Tensor.zeros(2, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> t.rows(1, 3));
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> t.copyFrom(Tensor.zeros(3, 2)));
        assertTrue(same.getMessage().contains("[2, 3]") && same.getMessage().contains("[3, 2]"), same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[4], 2, Shape.of(3)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofRows(new float[][] {{1, 2}, {3}}));
    }

    @Test
    void firstNonFiniteFindsNaNAndInfinity() {
        Tensor t = Tensor.of(new float[] {1, 2, Float.NaN, Float.POSITIVE_INFINITY}, 4);
        assertEquals(2, t.firstNonFinite());
        assertEquals(-1, t.rows(0, 2).firstNonFinite());
        assertEquals(0, t.rows(3, 4).firstNonFinite());
    }
}
