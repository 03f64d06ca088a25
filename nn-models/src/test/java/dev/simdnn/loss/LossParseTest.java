package dev.simdnn.loss;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Loss#parse}: the command line's loss names, as a library factory. */
class LossParseTest {

    @Test
    void everyNameGivesItsLossAndTask() {
        assertInstanceOf(SoftmaxCrossEntropy.class, Loss.parse("ce"));
        assertEquals(0.1f, ((SoftmaxCrossEntropy) Loss.parse("CE:0.1")).labelSmoothing(), 0f);
        assertInstanceOf(BinaryCrossEntropy.class, Loss.parse("bce"));
        assertInstanceOf(Hinge.class, Loss.parse(" hinge "));
        assertInstanceOf(MeanSquaredError.class, Loss.parse("mse"));
        assertInstanceOf(MeanAbsoluteError.class, Loss.parse("mae"));
        assertEquals("huber(1.0)", Loss.parse("huber").toString());
        assertEquals("huber(0.5)", Loss.parse("huber:0.5").toString());
        assertInstanceOf(LogCosh.class, Loss.parse("logcosh"));
        assertEquals(Task.MULTICLASS, Loss.parse("ce").task());
        assertEquals(Task.BINARY, Loss.parse("hinge").task());
        assertEquals(Task.REGRESSION, Loss.parse("huber").task());
    }

    @Test
    void badSpecsNameTheProblem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Loss.parse("focal"));
        assertTrue(unknown.getMessage().contains("focal") && unknown.getMessage().contains("huber[:DELTA]"),
                unknown.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loss.parse("mse:2")).getMessage()
                .contains("takes no parameter"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loss.parse("huber:x")).getMessage()
                .contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loss.parse("huber:-1")).getMessage()
                .contains("delta must be > 0"));
    }

    @Test
    void eachTaskHasADefaultLossOfThatTask() {
        for (Task t : Task.values()) {
            assertEquals(t, t.defaultLoss().task());
        }
        assertEquals(1, Task.BINARY.outputsFor(2));
        assertEquals(5, Task.MULTICLASS.outputsFor(5));
        assertEquals(Task.BINARY, Task.classifier(2));
        assertEquals(Task.MULTICLASS, Task.classifier(3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Task.classifier(1)).getMessage()
                .contains("at least 2 classes, got 1"));
    }
}
