package dev.simdnn.spark;

import dev.simdnn.io.ModelFile;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model file as bytes, the form a model travels in (a broadcast variable, a Spark ML directory):
 * exactly the bytes {@link ModelFile#save} writes, so they are also a file {@code simdnn info}
 * opens. The conversion goes through a temporary file, the one path {@link ModelFile} reads and
 * validates.
 */
final class ModelBytes {
    private ModelBytes() {
    }

    /** The model file of {@code saved}, as bytes. */
    static byte[] of(SavedModel saved) {
        try {
            Path tmp = Files.createTempFile("simdnn-", ".simdnn");
            try {
                ModelFile.save(saved, tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the model file to a temporary file: " + e.getMessage(), e);
        }
    }

    /**
     * The model of a model file's bytes, validated as {@link ModelFile#load} validates a file, bound
     * to {@code kernels}.
     *
     * @throws IllegalArgumentException if the bytes are not a valid model file (the reason named)
     */
    static SavedModel load(byte[] file, Kernels kernels) {
        try {
            Path tmp = Files.createTempFile("simdnn-", ".simdnn");
            try {
                Files.write(tmp, file);
                return ModelFile.load(tmp, kernels);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid simdnn model file: " + e.getMessage(), e);
        }
    }

    /** A digest naming the bytes (SHA-256, hex): the key of a model in an executor's cache. */
    static String digest(byte[] file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
