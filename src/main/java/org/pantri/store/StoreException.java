package org.pantri.store;

import java.io.IOException;

/** A store operation failed and retrying will not help. Messages never contain secrets. */
public class StoreException extends IOException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
