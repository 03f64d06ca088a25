/**
 * simdnn's models: layers, losses, optimizers, training, prediction and evaluation, data sets and
 * model files. Compiles against {@code dev.simdnn.core} only; a faster backend (such as
 * {@code dev.simdnn.simd}) is found at run time when present.
 */
@SuppressWarnings("requires-automatic") // protobuf-java names its module in its manifest only
module dev.simdnn.models {
    requires transitive dev.simdnn.core;
    // ONNX files are protobuf messages (the classes generated from the vendored onnx.proto)
    requires com.google.protobuf;

    exports dev.simdnn.data;
    exports dev.simdnn.init;
    exports dev.simdnn.io;
    exports dev.simdnn.loss;
    exports dev.simdnn.metrics;
    exports dev.simdnn.nn;
    exports dev.simdnn.onnx;
    exports dev.simdnn.optim;
    exports dev.simdnn.predict;
    exports dev.simdnn.train;
}
