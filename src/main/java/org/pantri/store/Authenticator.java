package org.pantri.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The capability behind {@code pantri auth}: a store that logs in and caches a token offers one
 * through {@link ObjectStoreProvider#authenticator()}. Results never carry the token itself.
 */
public interface Authenticator {

  /**
   * @param user who the token belongs to (null when unknown)
   * @param endpoint where the objects of that account live (e.g. a storage URL)
   * @param tokenFile where the token was cached (null when it was not cached)
   */
  record Login(String user, String endpoint, Path tokenFile) {}

  /** Authenticates afresh (ignoring any cached token) and caches the new token. */
  Login authenticate(StoreSettings settings) throws IOException;

  /**
   * True when a cached token exists and the store accepts it; false when there is none or it was
   * rejected. Transport failures are thrown.
   */
  boolean testCachedToken(StoreSettings settings) throws IOException;
}
