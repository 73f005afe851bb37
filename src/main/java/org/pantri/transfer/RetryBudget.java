package org.pantri.transfer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The retries one object may use, shared by every call made for it: a multipart upload's start,
 * parts and completion (which run on several threads) draw from one budget, as a single-request
 * upload does, so a flaky link cannot make a large object retry a hundred times. Thread-safe.
 */
public final class RetryBudget {
  private final int retries;
  private final int corruptRetries;
  private final AtomicInteger used = new AtomicInteger();
  private final AtomicInteger corruptUsed = new AtomicInteger();

  public RetryBudget(RetryPolicy policy) {
    this.retries = policy.retries();
    // Once more from scratch: a transient corruption heals, a corrupt object does not.
    this.corruptRetries = Math.min(1, policy.retries());
  }

  /** Takes one retry; returns its number (1-based), or 0 when the budget is spent. */
  int take() {
    int n = used.incrementAndGet();
    return n <= retries ? n : 0;
  }

  /** Takes one retry after corrupt bytes; false when that budget is spent. */
  boolean takeCorrupt() {
    return corruptUsed.incrementAndGet() <= corruptRetries;
  }

  /** Retries taken so far (including a refused one). */
  public int used() {
    return used.get();
  }
}
