package org.pantri.transfer;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import org.pantri.store.AuthException;
import org.pantri.store.CredentialsExpiredException;
import org.pantri.store.ObjectStore;
import org.pantri.store.Reauthenticating;
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
  private final Reauthenticating reauth;

  public Retrier(RetryPolicy retry, ProgressListener progress, Cancellation cancel) {
    this(retry, progress, cancel, null);
  }

  /**
   * A retrier for calls to {@code store}: when the store says its credentials expired and it can
   * log in again ({@link Reauthenticating}), the call is repeated once after one re-login (shared
   * by every thread that saw the same session expire); a second expiry is an {@link AuthException}.
   */
  public Retrier(RetryPolicy retry, ProgressListener progress, Cancellation cancel, ObjectStore store) {
    this.retry = retry;
    this.progress = progress;
    this.cancel = cancel;
    this.reauth = store instanceof Reauthenticating r ? r : null;
  }

  /** One attempt of an operation. */
  public interface Call<T> {
    T call() throws IOException;
  }

  public RetryPolicy policy() {
    return retry;
  }

  /** Runs {@code call} once, re-authenticating once if needed, without retries (best-effort calls). */
  public <T> T once(String name, Call<T> call) throws IOException {
    return call(name, new RetryBudget(new RetryPolicy(0, java.time.Duration.ZERO, java.time.Duration.ZERO)), call);
  }

  /** Runs {@code call} with a budget of its own, retrying transient failures with backoff. */
  public <T> T call(String name, Call<T> call) throws IOException {
    return call(name, new RetryBudget(retry), call);
  }

  /**
   * Runs {@code call}, retrying transient failures with backoff while {@code budget} lasts; calls
   * for one object share its budget. {@code name} is for messages.
   */
  public <T> T call(String name, RetryBudget budget, Call<T> call) throws IOException {
    boolean reauthenticated = false;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (Cancellation.CancelledException e) {
        throw e;
      } catch (CredentialsExpiredException e) {
        if (reauth == null) {
          throw e;
        }
        if (reauthenticated) {
          throw new AuthException(e.getMessage() + " although it had just logged in again; check that the user"
              + " may use this account or run `pantri auth`", e);
        }
        reauth.reauthenticate(e.session()); // not a retry: the budget is for transient failures
        reauthenticated = true;
      } catch (CorruptObjectException e) {
        if (!budget.takeCorrupt()) {
          throw e;
        }
        progress.retrying(name, attempt, e.getMessage());
      } catch (RetryableStoreException e) {
        int n = budget.take();
        if (n == 0) {
          throw e;
        }
        progress.retrying(name, attempt, e.getMessage());
        sleep(retry.delay(n, e.retryAfter()));
      } catch (StoreException | FileSystemException e) {
        throw e;
      } catch (IOException e) {
        if (isLocalFailure(e)) {
          throw e;
        }
        int n = budget.take();
        if (n == 0) {
          throw e;
        }
        progress.retrying(name, attempt, e.getMessage());
        sleep(retry.delay(n, null));
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
