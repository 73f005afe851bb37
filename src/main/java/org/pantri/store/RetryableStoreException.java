package org.pantri.store;

import java.time.Duration;

/**
 * A transient failure (connection reset, timeout, 408/429/5xx) that the transfer engine retries
 * with backoff. {@link #retryAfter()} carries a server's Retry-After, or null.
 */
public class RetryableStoreException extends StoreException {
  private final Duration retryAfter;

  public RetryableStoreException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  public RetryableStoreException(String message, Throwable cause) {
    this(message, null, cause);
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
