package org.pantri.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.pantri.transfer.ProgressListener;

/**
 * Transfer progress: on a terminal a live status line redrawn in place; otherwise (logs, CI) a
 * plain line every few seconds. Silent with --quiet.
 */
final class Progress implements ProgressListener {
  private final PrintStream err;
  private final boolean tty;
  private final boolean quiet;
  private final long intervalNanos;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger present = new AtomicInteger();
  /** Bytes still to move: the phase's total less what was found already present. */
  private final AtomicLong totalBytes = new AtomicLong();
  static final int LIVE_ERRORS = 10;
  private final AtomicInteger errorLines = new AtomicInteger();
  private volatile String phase = "";
  private volatile int total;
  private volatile String current = "";
  private volatile long started;
  private volatile long lastDraw;
  private volatile boolean lineOpen;

  Progress(PrintStream err, boolean tty, boolean quiet) {
    this.err = err;
    this.tty = tty;
    this.quiet = quiet;
    this.intervalNanos = tty ? 200_000_000L : 5_000_000_000L;
  }

  @Override
  public void begin(String phase, int objects, long bytes) {
    this.phase = phase;
    this.total = objects;
    this.totalBytes.set(bytes);
    this.bytes.set(0);
    this.done.set(0);
    this.failed.set(0);
    this.present.set(0);
    this.started = System.nanoTime();
    this.lastDraw = started;
  }

  @Override
  public void bytes(long n) {
    bytes.addAndGet(n);
    maybeDraw();
  }

  /** Off a terminal, files at least this large get a line of their own when done. */
  static final long LARGE = 64L << 20;

  @Override
  public void done(String name, long size) {
    done.incrementAndGet();
    current = name;
    if (!tty && size >= LARGE && !phase.equals("hash")) {
      Log.get().info(phase + " of " + name + " done (" + human(size) + ")");
    }
    maybeDraw();
  }

  @Override
  public void present(String name, long size) {
    present.incrementAndGet();
    totalBytes.addAndGet(-size);
    done.incrementAndGet();
    current = name;
    maybeDraw();
  }

  @Override
  public void failed(String name, String message) {
    failed.incrementAndGet();
    // a dead container or server fails every object: a few lines say it, the summary has the count
    int n = errorLines.incrementAndGet();
    if (n <= LIVE_ERRORS) {
      Log.get().error(message);
    } else if (n == LIVE_ERRORS + 1) {
      Log.get().error("more objects failed; the summary lists them");
    }
  }

  @Override
  public void retrying(String name, int attempt, String message) {
    Log.get().info("retry " + attempt + ": " + message);
  }

  @Override
  public synchronized void end() {
    if (total > 0) {
      clearLine();
      double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      Log.get().info(String.format(Locale.ROOT, "%s: %d/%d objects, %s in %.1f s (%s/s)%s%s", phase, done.get(), total,
          human(bytes.get()), secs, human((long) (bytes.get() / secs)),
          present.get() > 0 ? ", " + present.get() + " needed no transfer" : "",
          failed.get() > 0 ? ", " + failed.get() + " failed" : ""));
    }
    total = 0;
  }

  private void maybeDraw() {
    long now = System.nanoTime();
    if (quiet || total == 0 || now - lastDraw < intervalNanos) {
      return;
    }
    synchronized (this) {
      if (now - lastDraw < intervalNanos) {
        return;
      }
      lastDraw = now;
      double secs = Math.max(1e-3, (now - started) / 1e9);
      long b = bytes.get();
      double rate = b / secs;
      long all = totalBytes.get();
      String eta = rate > 0 && all > b ? String.format(Locale.ROOT, " ETA %ds", (long) ((all - b) / rate)) : "";
      String line = String.format(Locale.ROOT, "%s: %d/%d objects, %s/%s, %s/s%s %s", phase, done.get(), total,
          human(b), human(all), human((long) rate), eta, current);
      if (tty) {
        int width = 100;
        err.print("\r" + (line.length() > width ? line.substring(0, width) : line) + "\033[K");
        err.flush();
        lineOpen = true;
      } else {
        Log.get().info(line);
      }
    }
  }

  /** Prints a whole line without garbling a live status line. */
  synchronized void println(PrintStream out, String line) {
    clearLine();
    out.println(line);
  }

  private void clearLine() {
    if (lineOpen) {
      err.print("\r\033[K");
      lineOpen = false;
    }
  }

  static String human(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] u = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int i = -1;
    while (v >= 1024 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
  }
}
