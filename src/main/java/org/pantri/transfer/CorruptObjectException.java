package org.pantri.transfer;

import java.io.IOException;

/** The bytes received do not match the pitem: wrong size or SHA-256. Nothing was written. */
class CorruptObjectException extends IOException {
  public CorruptObjectException(String message) {
    super(message);
  }
}
