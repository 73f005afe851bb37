package org.pantri.transfer;

import java.util.Locale;

/**
 * One object that could not be transferred.
 *
 * @param name what the user knows it by (a shelves-relative path)
 * @param message one line saying what went wrong
 * @param kind coarse class for exit codes and JSON
 */
public record Failure(String name, String message, Kind kind) {

  /** Why an object failed; {@link #json()} is the lowercase name in {@code --json} output. */
  public enum Kind {
    /** The bytes did not match the pitem (size or SHA-256). */
    CORRUPT,
    /** Credentials missing or rejected. */
    AUTH,
    /** The store failed or refused the request. */
    STORE,
    /** The object is not in the store. */
    MISSING,
    /** A local file-system problem (disk full, permissions, ...). */
    LOCAL,
    /** The run was interrupted before this object finished. */
    INTERRUPTED;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
