package dev.simdnn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a crash leaves either the old file or the complete new one: a temp file in
 * the same directory, fsync, then an atomic rename over the target.
 *
 * <ul>
 *   <li>The new file gets the old file's permissions, or for a new file the ones any file created
 *       here gets (the umask applies), not a temp file's private 0600.</li>
 *   <li>The temp file is locked while it is written. A save killed midway (kill -9) leaves its
 *       temp file behind; the next save to the same target deletes every such file whose lock is
 *       free, that is, whose writer is gone.</li>
 *   <li>Errors name the reason, not only the path: "permission denied", "… is not a directory".</li>
 * </ul>
 */
public final class AtomicFiles {
    private static final String TMP_SUFFIX = ".simdnn-tmp";

    private AtomicFiles() {
    }

    public static void write(Path target, String content) throws IOException {
        write(target, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    public static void write(Path target, ByteBuffer... parts) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw new IOException(explain(abs, e), e);
        }
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        removeStaleTemps(dir, abs.getFileName().toString());
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + TMP_SUFFIX);
        try {
            // CREATE_NEW with no attributes: the permissions every new file here gets (umask applies)
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                for (ByteBuffer p : parts) {
                    while (p.hasRemaining()) {
                        ch.write(p);
                    }
                }
                ch.force(true);
                copyPermissions(abs, tmp);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileSystemException e) {
            throw new IOException(explain(abs, e), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks, before long work, that {@code target} can be written: its directory exists (or can be
     * made) and is a writable directory, and the target is not a directory.
     *
     * @throws IOException whose message names the path and the reason
     */
    public static void checkWritable(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        Path dir = abs.getParent();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IOException("cannot write " + target + ": " + p + " is a file, not a directory");
                }
                if (!Files.isWritable(p)) { // the directory itself, or the nearest one that exists
                    String why = "permission denied in " + p;
                    throw new IOException("cannot write " + target + ": "
                            + (p.equals(dir) ? why : "cannot create " + dir + " (" + why + ")"));
                }
                return;
            }
        }
    }

    /** Deletes temp files of earlier saves of {@code name} whose writer is gone (their lock is free). */
    private static void removeStaleTemps(Path dir, String name) {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + escapeGlob(name) + ".*" + TMP_SUFFIX)) {
            for (Path t : temps) {
                try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE);
                     FileLock lock = ch.tryLock()) {
                    if (lock != null) {
                        Files.deleteIfExists(t);
                    }
                } catch (IOException | RuntimeException e) {
                    // another process is writing it, or it just went away: leave it
                }
            }
        } catch (IOException e) {
            // an unreadable directory: the save itself will say so
        }
    }

    private static String escapeGlob(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView dst = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (src != null && dst != null && Files.exists(from)) {
            dst.setPermissions(src.readAttributes().permissions());
        }
    }

    private static String explain(Path target, FileSystemException e) {
        String why;
        if (e instanceof AccessDeniedException) {
            why = "permission denied" + (e.getFile() != null && !e.getFile().equals(target.toString()) ? " (" + e.getFile() + ")" : "");
        } else if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            why = e.getFile() + " is not a directory";
        } else if (e instanceof NoSuchFileException) {
            why = e.getFile() + " does not exist";
        } else {
            why = e.getReason() != null ? e.getReason() : e.toString();
        }
        return "cannot write " + target + ": " + why;
    }
}
