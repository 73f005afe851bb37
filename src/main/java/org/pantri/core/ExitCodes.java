package org.pantri.core;

/** Process exit codes; documented in the README. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** Some objects failed to transfer (or were corrupt); the others completed. */
  public static final int PARTIAL = 1;
  /** Bad command line, or a path outside shelves/. */
  public static final int USAGE = 2;
  /** Not a repository, invalid pantri.toml, git failed. */
  public static final int REPO = 3;
  /** Credentials missing or rejected. */
  public static final int AUTH = 4;
  /** The object store is unreachable or refused the operation. */
  public static final int STORE = 5;
  /** Some inputs were refused (malformed or hostile pitems, unsafe links); the rest completed. */
  public static final int REFUSED = 6;
  /** Another pantri is working on the same destination. */
  public static final int LOCKED = 7;
  /** Interrupted (Ctrl-C / SIGTERM); rerun to finish. */
  public static final int INTERRUPTED = 130;
}
