package org.pantri.store;

import java.io.IOException;

/**
 * Optional capability of a store whose sessions expire (Swift tokens). The engine calls
 * {@link #reauthenticate} after a {@link CredentialsExpiredException}; the store logs in again
 * unless another thread already replaced that session.
 */
public interface Reauthenticating {
  /**
   * Replaces the session named by {@code expired} (from {@link CredentialsExpiredException#session})
   * with a fresh one; returns at once when it was already replaced.
   *
   * @throws AuthException when the credentials themselves are rejected
   */
  void reauthenticate(Object expired) throws IOException;
}
