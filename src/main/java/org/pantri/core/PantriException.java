package org.pantri.core;

/** An operation cannot proceed; carries the exit code the CLI returns. */
public class PantriException extends Exception {
  private final int exitCode;

  public PantriException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public PantriException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
