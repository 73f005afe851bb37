package org.pantri.transfer;

import java.util.concurrent.atomic.AtomicBoolean;

/** Set once (e.g. on Ctrl-C / SIGTERM): no new transfer starts, running ones stop at a safe point. */
public final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Throws when cancelled; called between units of work. */
  public void check() throws CancelledException {
    if (cancelled.get()) {
      throw new CancelledException();
    }
  }

  /** The run was cancelled before this piece of work could finish. */
  public static final class CancelledException extends java.io.IOException {
    public CancelledException() {
      super("interrupted");
    }
  }
}
