package dev.simdnn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11, case 16: saved files were 0600, errors named only the path, killed saves left temp files. */
class AtomicFilesTest {

    @Test
    void aNewFileGetsTheDirectorysDefaultModeAndAReplacedOneKeepsItsOwn(@TempDir Path dir) throws IOException {
        Path probe = Files.createFile(dir.resolve("probe")); // what any new file here gets (the umask)
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(probe);
        Path f = dir.resolve("m.simdnn");
        AtomicFiles.write(f, "one");
        assertEquals(usual, Files.getPosixFilePermissions(f), "not a temp file's private 0600");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(f, "two");
        assertEquals("two", Files.readString(f));
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(f));
    }

    @Test
    void tempFilesOfKilledSavesAreCleanedOnTheNextSave(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.simdnn");
        // what a save killed with kill -9 leaves: an unlocked temp file of ours, and one of another target
        Path stale = Files.writeString(dir.resolve(".m.simdnn.1a2b3c.simdnn-tmp"), "half a model");
        Path other = Files.writeString(dir.resolve(".other.simdnn.1a2b3c.simdnn-tmp"), "someone else's");
        AtomicFiles.write(f, "whole");
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(other), "only temp files of the same target are ours to clean");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void errorsNameTheReason(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        String underFile = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(file.resolve("m.simdnn")))
                .getMessage();
        assertTrue(underFile.endsWith(file + " is a file, not a directory"), underFile);
        String isDir = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(dir)).getMessage();
        assertTrue(isDir.endsWith("it is a directory"), isDir);
        String write = assertThrows(IOException.class, () -> AtomicFiles.write(file.resolve("m.simdnn"), "x")).getMessage();
        assertTrue(write.startsWith("cannot write ") && write.contains("is not a directory"), write);
        AtomicFiles.checkWritable(dir.resolve("new/sub/m.simdnn")); // directories that can be made are fine
    }
}
