package org.pantri.core;

/**
 * An operation cannot proceed. It carries what kind of problem it is, not an exit code: the CLI
 * maps categories to exit codes in one place ({@code cli/ExitCodeMapper}).
 */
public class PantriException extends Exception {

  /** What went wrong, coarsely: decides the exit code and what the user is told to check. */
  public enum Category {
    /** Some objects could not be transferred; the others completed. */
    PARTIAL,
    /** Bad command line, a path outside shelves/, an unknown shelf. */
    USAGE,
    /** Not a repository, invalid pantri.toml, git failed. */
    REPO,
    /** Credentials missing or rejected. */
    AUTH,
    /** The object store is unreachable or refused the operation. */
    STORE,
    /** An input (pitem, link) was refused. */
    REFUSED,
    /** Another pantri is working on the same destination. */
    LOCKED,
    /** Interrupted (Ctrl-C / SIGTERM). */
    INTERRUPTED
  }

  private final Category category;

  public PantriException(Category category, String message) {
    super(message);
    this.category = category;
  }

  public PantriException(Category category, String message, Throwable cause) {
    super(message, cause);
    this.category = category;
  }

  public Category category() {
    return category;
  }
}
