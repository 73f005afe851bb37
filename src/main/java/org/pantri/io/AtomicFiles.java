package org.pantri.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one temp-file-and-rename implementation: a reader of {@code target} sees the old content or
 * the new, never a part. Lives in a package of its own because store, transfer, pitem and core all
 * write files this way and none of them may depend on another for it.
 */
public final class AtomicFiles {
  /** Prefix of every temp file this class creates, so listings and walks can skip them. */
  public static final String TMP_PREFIX = ".pantri-tmp-";

  private AtomicFiles() {}

  /** Fills the temp file; it does not exist yet when called. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path tmp) throws IOException;
  }

  /**
   * A fresh name in {@code target}'s directory (same file system, so the rename is atomic):
   * {@code .pantri-tmp-<pid>-<random>}, at most 41 bytes and independent of the target's name, so a
   * 250-byte name still has a temp name, and a walker can tell a dead run's leftover by its pid.
   */
  public static Path tempBeside(Path target) {
    return target.resolveSibling(TMP_PREFIX + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  /** The process that made a temp name of this class ({@link #tempBeside}), or -1 for any other name. */
  public static long writerPid(String name) {
    if (!name.startsWith(TMP_PREFIX)) {
      return -1;
    }
    int end = name.indexOf('-', TMP_PREFIX.length());
    if (end <= TMP_PREFIX.length() || !Character.isDigit(name.charAt(TMP_PREFIX.length()))) {
      return -1;
    }
    try {
      return Long.parseLong(name, TMP_PREFIX.length(), end, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Renames {@code from} over {@code to} atomically. */
  public static void moveAtomic(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Writes {@code target} through a temp file beside it. When {@code bestEffort} and the file
   * system cannot rename atomically (some network mounts), a plain replacing rename is used.
   */
  public static void write(Path target, Content content, boolean bestEffort) throws IOException {
    Path tmp = tempBeside(target);
    try {
      content.writeTo(tmp);
      try {
        moveAtomic(tmp, target);
      } catch (AtomicMoveNotSupportedException e) {
        if (!bestEffort) {
          throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code target} through a temp file beside it (atomic rename required). */
  public static void write(Path target, Content content) throws IOException {
    write(target, content, false);
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, tmp -> Files.write(tmp, bytes));
  }

  /** Copies {@code source} (with its attributes) to {@code target} atomically. */
  public static void copy(Path source, Path target) throws IOException {
    write(target, tmp -> Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES));
  }
}
