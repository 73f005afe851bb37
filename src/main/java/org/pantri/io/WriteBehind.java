package org.pantri.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts the writeback of a large file while it is still being written. Without it a download's
 * bytes sit in the page cache until the fdatasync that makes the file durable, and that sync then
 * waits for all of them at once with nothing else to do (a 1 GiB retrieve spent about a second in
 * it). Here a flusher thread syncs what has been written every {@link #EVERY} bytes, so the disk
 * works while the network does and the final sync has only the tail left.
 *
 * <p>Only an optimisation: the writer still makes its own final {@code force} before it counts
 * the file as written, and a failed background flush is left for that final one to report.
 */
public final class WriteBehind {
  /** Bytes written between two background flushes; smaller files are never flushed early. */
  public static final long EVERY = 8L << 20;
  private static final ExecutorService FLUSHERS = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "pantri-writeback");
    t.setDaemon(true);
    return t;
  });

  private final FileChannel channel;
  private final long every;
  private final AtomicBoolean flushing = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger flushed = new java.util.concurrent.atomic.AtomicInteger();
  private long flushedAt;

  /** For {@code channel}, which already holds {@code start} bytes that need no early flush. */
  public WriteBehind(FileChannel channel, long start) {
    this(channel, start, EVERY);
  }

  WriteBehind(FileChannel channel, long start, long every) {
    this.channel = channel;
    this.flushedAt = start;
    this.every = every;
  }

  /**
   * The file now holds {@code written} bytes: starts a background flush once {@link #EVERY} more
   * have been written since the last one, unless that one is still running (one at a time per
   * file, so a slow disk does not queue up flushes). Called by the one thread writing the file.
   */
  public void written(long written) {
    if (written - flushedAt < every) {
      return;
    }
    flushedAt = written;
    if (!flushing.compareAndSet(false, true)) {
      return;
    }
    FLUSHERS.execute(() -> {
      try {
        channel.force(false);
        flushed.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        // closed meanwhile (the write failed or was cancelled), or a disk error: the writer's
        // own final force reports what matters
      } finally {
        flushing.set(false);
      }
    });
  }

  /** True while a background flush of this file runs (for tests). */
  boolean flushing() {
    return flushing.get();
  }

  /** Background flushes of this file that completed (for tests). */
  int flushed() {
    return flushed.get();
  }
}
