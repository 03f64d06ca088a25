package dev.simdnn.io;

import dev.simdnn.kernel.Activation;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Shape;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, part 1: a PyTorch state_dict saved as safetensors (the fixture is written by real
 * PyTorch 1.13, see torch/make-torch-fixtures.py) loads into the equivalent model and reproduces
 * torch's logits; every problem is listed at once.
 */
class StateDictTest {

    private static Path fixture(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = StateDictTest.class.getResourceAsStream("torch/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    /** torch.nn.Sequential(Linear(4, 16), ReLU(), Linear(16, 3)): the ReLU is module 1, so the keys are 0.* and 2.*. */
    private static Sequential torchTwin() {
        return Mlp.builder().input(4).dense(16).activation(Activation.RELU).dense(3).seed(1).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTorchStateDictReproducesTorchsLogits(@TempDir Path dir) throws IOException {
        Map<String, Tensor> state = Safetensors.read(fixture(dir, "torch_mlp.safetensors"));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(state.keySet()));
        Sequential m = torchTwin();
        Sequential.StateDictLoad r = m.loadStateDict(state);
        assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty());
        Map<String, Object> io = (Map<String, Object>) Json.parse(Files.readString(fixture(dir, "torch_mlp_io.json")));
        List<List<Number>> inputs = (List<List<Number>>) io.get("inputs");
        List<List<Number>> logits = (List<List<Number>>) io.get("logits");
        for (int i = 0; i < inputs.size(); i++) {
            float[] x = new float[4];
            for (int j = 0; j < 4; j++) {
                x[j] = inputs.get(i).get(j).floatValue();
            }
            float[] got = m.predict(x);
            for (int j = 0; j < 3; j++) {
                // a 4-then-16-term float dot product each way: a few ulps of the logits' size
                assertEquals(logits.get(i).get(j).doubleValue(), got[j], 1e-5, "row " + i + ", logit " + j);
            }
        }
    }

    @Test
    void everyMismatchIsListedAtOnceAndNothingIsCopied(@TempDir Path dir) throws IOException {
        Map<String, Tensor> state = Safetensors.read(fixture(dir, "torch_mlp.safetensors"));
        Sequential wrong = Mlp.builder().input(8).dense(16).activation(Activation.RELU).dense(3).dense(2).seed(1).build();
        float[] before = wrong.namedParameters().get("2.weight").value().toArray();
        String m = assertThrows(IllegalArgumentException.class, () -> wrong.loadStateDict(state)).getMessage();
        assertTrue(m.contains("0.weight: the tensors have [16, 4], the model has [16, 8]"), m);
        assertTrue(m.contains("missing (the model has them, the tensors do not): [3.weight, 3.bias]"), m);
        assertArrayEquals(before, wrong.namedParameters().get("2.weight").value().toArray(), "nothing copied");
        // a fused Dense(relu) is two torch modules (Linear, ReLU), so it takes torch's keys 0.* and 2.* as they are
        Sequential fused = Mlp.builder().input(4).dense(16, Activation.RELU).dense(3).seed(1).build();
        fused.loadStateDict(state);
        Sequential separate = Mlp.builder().input(4).dense(16).activation(Activation.RELU).dense(3).seed(2).build();
        separate.loadStateDict(state);
        float[] x = {0.5f, -1f, 2f, 0.25f};
        assertArrayEquals(separate.predict(x), fused.predict(x), "the same function either way");
        Sequential shifted = Mlp.builder().input(4).dense(16).dense(3).seed(1).build(); // keys 0.*, 1.*
        String names = assertThrows(IllegalArgumentException.class, () -> shifted.loadStateDict(state)).getMessage();
        assertTrue(names.contains("unexpected (the tensors have them, the model does not): [2.weight, 2.bias]")
                && names.contains("the model's keys: [0.weight, 0.bias, 1.weight, 1.bias]"), names);
        Sequential.StateDictLoad loose = Mlp.builder().input(4).dense(16).activation(Activation.RELU).dense(3).dense(2)
                .seed(1).build().loadStateDict(state, false);
        assertEquals(List.of("3.weight", "3.bias"), loose.missing());
        assertEquals(List.of(), loose.unexpected());
    }

    /** A safetensors file of one tensor of {@code dtype} with {@code data}. */
    private static Path single(Path dir, String dtype, int[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(dims.length() == 0 ? "" : ",").append(d);
        }
        byte[] h = ("{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + dims + "],\"data_offsets\":[0," + data.length + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve("t-" + dtype + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void halfBfloatAndDoubleAreConvertedOtherDtypesRefusedByName(@TempDir Path dir) throws IOException {
        ByteBuffer f16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        f16.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f)).putShort(Float.floatToFloat16(0.25f));
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, Safetensors.read(single(dir, "F16", new int[] {3}, f16.array())).get("t").toArray());
        ByteBuffer bf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        bf.putShort((short) (Float.floatToIntBits(3.0f) >>> 16)).putShort((short) (Float.floatToIntBits(-0.5f) >>> 16));
        assertArrayEquals(new float[] {3f, -0.5f}, Safetensors.read(single(dir, "BF16", new int[] {1, 2}, bf.array())).get("t").toArray());
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(1e300);
        float[] d = Safetensors.read(single(dir, "F64", new int[] {2}, f64.array())).get("t").toArray();
        assertEquals(0.1f, d[0], 0f);
        assertEquals(Float.POSITIVE_INFINITY, d[1], 0f, "rounded to nearest float: beyond the range it is infinite");
        ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-7).putLong(1L << 40);
        assertArrayEquals(new float[] {-7f, 0x1p40f}, Safetensors.read(single(dir, "I64", new int[] {2}, i64.array())).get("t").toArray());
        ByteBuffer scalar = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(12345);
        Tensor counter = Safetensors.read(single(dir, "I64", new int[0], scalar.array())).get("t");
        assertEquals(Shape.of(1), counter.shape(), "a 0-dimensional tensor (torch's num_batches_tracked) is one element");
        assertEquals(12345f, counter.getFlat(0), 0f);
        ByteBuffer i32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-3);
        assertArrayEquals(new float[] {-3f}, Safetensors.read(single(dir, "I32", new int[] {1}, i32.array())).get("t").toArray());
        String u8 = assertThrows(ModelFormatException.class,
                () -> Safetensors.read(single(dir, "U8", new int[] {1}, new byte[8]))).getMessage();
        assertTrue(u8.contains("tensor 't' has dtype U8, which is not read (F32, F16, BF16, F64, I64 and I32 are)"), u8);
        String size = assertThrows(ModelFormatException.class,
                () -> Safetensors.read(single(dir, "F32", new int[] {3}, new byte[8]))).getMessage();
        assertTrue(size.contains("needs 12 bytes but spans [0, 8)"), size);
    }
}
