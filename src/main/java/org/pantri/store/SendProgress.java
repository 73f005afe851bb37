package org.pantri.store;

import java.util.function.LongConsumer;

/**
 * Where a store reports the bytes of a request body as they leave, so progress moves during a
 * 200 MiB upload instead of jumping when it completes. Set per thread by whoever drives the
 * transfer; stores only call {@link #sent}. Knows nothing of who listens.
 */
public final class SendProgress {
  private static final ThreadLocal<LongConsumer> SINK = new ThreadLocal<>();

  private SendProgress() {}

  /** Bytes sent in this thread go to {@code sink} until {@link #clear}. */
  public static void to(LongConsumer sink) {
    SINK.set(sink);
  }

  public static void clear() {
    SINK.remove();
  }

  /** {@code n} more bytes of a body were written to the network. */
  public static void sent(long n) {
    LongConsumer s = SINK.get();
    if (s != null && n > 0) {
      s.accept(n);
    }
  }
}
