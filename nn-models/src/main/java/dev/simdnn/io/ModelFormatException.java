package dev.simdnn.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that is not a valid simdnn model: truncated, corrupt, or inconsistent. Names the file. */
public final class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(Path file, String problem) {
        super(file.getFileName() + ": " + problem);
    }
}
