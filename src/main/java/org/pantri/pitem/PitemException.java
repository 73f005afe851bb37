package org.pantri.pitem;

/** A pitem file is malformed or hostile. The message names the file and says what is wrong. */
public class PitemException extends Exception {
  public PitemException(String message) {
    super(message);
  }
}
