package org.pantri.store;

/** Credentials are missing or were rejected; the user has to act. */
public class AuthException extends StoreException {
  public AuthException(String message) {
    super(message);
  }

  public AuthException(String message, Throwable cause) {
    super(message, cause);
  }
}
