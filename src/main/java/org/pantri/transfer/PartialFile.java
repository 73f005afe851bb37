package org.pantri.transfer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pantri.store.StoreException;

/**
 * A partial file owned by exactly one download: claimed in this JVM and locked against other
 * processes for as long as the download runs. Removed on close unless it holds bytes worth
 * resuming.
 */
final class PartialFile implements AutoCloseable {
  /** Partial files claimed by a download in this JVM: one download per partial file, ever. */
  private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();
  private final Path path;
  private FileChannel channel;
  private FileLock lock;

  private PartialFile(Path path) {
    this.path = path;
  }

  /** Claims {@code dir/name} (or a numbered variant when that one is busy) for one download. */
  static PartialFile claim(Path dir, String name, String jobName) throws IOException {
    for (int i = 0; i < 100; i++) {
      Path p = dir.resolve(i == 0 ? name : name.replace(".part", "-" + i + ".part")).toAbsolutePath().normalize();
      if (!CLAIMED.add(p)) {
        continue;
      }
      PartialFile partial = new PartialFile(p);
      try {
        if (partial.lock()) {
          return partial;
        }
      } catch (IOException | RuntimeException e) {
        partial.close();
        throw e;
      }
      partial.close();
    }
    throw new StoreException(jobName + ": every partial file for it in " + dir + " is in use");
  }

  private boolean lock() throws IOException {
    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    return lock != null;
  }

  Path path() {
    return path;
  }

  FileChannel channel() {
    return channel;
  }

  /** Releases the lock and the file (before the rename: some systems cannot rename open files). */
  void release() throws IOException {
    if (channel != null) {
      channel.close(); // releases the lock too
      channel = null;
      lock = null;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      boolean empty = lock != null && channel.size() == 0; // never remove a file another process holds
      release();
      if (empty) {
        Files.deleteIfExists(path);
      }
    } finally {
      CLAIMED.remove(path);
    }
  }
}
