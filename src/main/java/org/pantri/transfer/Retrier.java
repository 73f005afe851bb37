package org.pantri.transfer;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;

/**
 * The retry loop of the engine: transient failures are retried with the policy's backoff (or the
 * server's Retry-After), anything else fails at once. Public so that the calls made before any
 * transfer (login, container check, listing, stat) follow the same policy as the transfers.
 */
public final class Retrier {
  private final RetryPolicy retry;
  private final ProgressListener progress;
  private final Cancellation cancel;

  public Retrier(RetryPolicy retry, ProgressListener progress, Cancellation cancel) {
    this.retry = retry;
    this.progress = progress;
    this.cancel = cancel;
  }

  /** One attempt of an operation. */
  public interface Call<T> {
    T call() throws IOException;
  }

  /** Runs {@code call}, retrying transient failures with backoff; {@code name} is for messages. */
  public <T> T call(String name, Call<T> call) throws IOException {
    int corruptRetries = Math.min(1, retry.retries());
    int corrupt = 0;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (Cancellation.CancelledException e) {
        throw e;
      } catch (CorruptObjectException e) {
        // Once more from scratch: a transient corruption heals, a corrupt object does not.
        if (++corrupt > corruptRetries) {
          throw e;
        }
        progress.retrying(name, attempt, e.getMessage());
      } catch (RetryableStoreException e) {
        if (attempt > retry.retries()) {
          throw e;
        }
        progress.retrying(name, attempt, e.getMessage());
        sleep(retry.delay(attempt, e.retryAfter()));
      } catch (StoreException | FileSystemException e) {
        throw e;
      } catch (IOException e) {
        if (attempt > retry.retries() || isLocalFailure(e)) {
          throw e;
        }
        progress.retrying(name, attempt, e.getMessage());
        sleep(retry.delay(attempt, null));
      }
    }
  }

  private static boolean isLocalFailure(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("No space left") || m.contains("Read-only file system") || m.contains("Permission denied");
  }

  private void sleep(Duration d) throws IOException {
    long until = System.nanoTime() + d.toNanos();
    try {
      while (System.nanoTime() < until) {
        cancel.check();
        Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancellation.CancelledException();
    }
  }
}
