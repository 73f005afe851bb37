package org.pantri.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One Pantri at a time per destination. An OS file lock, so a crashed holder's lock vanishes
 * with its process (a stale lock file is simply taken over); the file also names the holder's
 * PID for the message the second process prints.
 */
public final class DestinationLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DestinationLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Thrown when another live process holds the lock. */
  public static final class HeldException extends IOException {
    public HeldException(String message) {
      super(message);
    }
  }

  public static DestinationLock acquire(Path lockFile, String what) throws IOException {
    Files.createDirectories(lockFile.getParent());
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
      ch.close();
      throw new HeldException("another pantri (PID " + (holder.isEmpty() ? "unknown" : holder)
          + ") is working on " + what + "; wait for it to finish, or stop it");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
    return new DestinationLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
