package org.pantri.transfer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, capped, honouring a server's Retry-After.
 *
 * @param retries how many times one operation is retried after its first failure
 * @param base delay before the first retry (before jitter)
 * @param cap longest delay between two attempts
 */
public record RetryPolicy(int retries, Duration base, Duration cap) {
  public static RetryPolicy of(int retries) {
    return new RetryPolicy(retries, Duration.ofMillis(250), Duration.ofSeconds(30));
  }

  /** Delay before retry number {@code attempt} (1-based). */
  public Duration delay(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
    }
    long max = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
    // Half fixed, half random: spreads retries of many threads without ever retrying instantly.
    return Duration.ofMillis(max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1));
  }
}
