package org.pantri.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import org.pantri.core.PantriException;
import org.pantri.core.Result;
import org.pantri.pitem.PitemException;
import org.pantri.repo.RepoException;
import org.pantri.store.AuthException;
import org.pantri.store.StoreException;
import org.pantri.transfer.Cancellation;
import org.pantri.transfer.DestinationLock;
import org.pantri.transfer.Failure;
import picocli.CommandLine;

/**
 * The one place that turns outcomes into process exit codes (documented in the README): a
 * {@link Result}, a typed exception from any layer, or an unexpected exception (an internal error,
 * exit 70, never picocli's default 1, which means "some transfers failed").
 */
final class ExitCodeMapper implements CommandLine.IExecutionExceptionHandler {
  static final int OK = 0;
  /** Some objects failed to transfer (or were corrupt or missing); the others completed. */
  static final int PARTIAL = 1;
  /** Bad command line, a path outside shelves/, an unknown shelf. */
  static final int USAGE = 2;
  /** Not a repository, invalid pantri.toml, git failed. */
  static final int REPO = 3;
  /** Credentials missing or rejected. */
  static final int AUTH = 4;
  /** The object store is unreachable or refused the operation. */
  static final int STORE = 5;
  /** Some inputs were refused (malformed or hostile pitems, unsafe links); the rest completed. */
  static final int REFUSED = 6;
  /** Another pantri is working on the same destination. */
  static final int LOCKED = 7;
  /** A bug: an exception nobody expected (sysexits' EX_SOFTWARE). */
  static final int INTERNAL = 70;
  /** Interrupted (Ctrl-C / SIGTERM); rerun to finish. */
  static final int INTERRUPTED = 130;

  /** The exit code of a finished operation. */
  static int of(Result r) {
    if (r.interrupted) {
      return INTERRUPTED;
    }
    if (r.failed.stream().anyMatch(f -> f.kind() == Failure.Kind.AUTH)) {
      return AUTH;
    }
    if (!r.failed.isEmpty() || !r.differences.isEmpty()) {
      return PARTIAL;
    }
    return r.refused.isEmpty() ? OK : REFUSED;
  }

  /** The exit code of an operation that stopped with {@code t}. */
  static int of(Throwable t) {
    if (t instanceof PantriException p) {
      return of(p.category());
    }
    if (t instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    if (t instanceof Cancellation.CancelledException) {
      return INTERRUPTED;
    }
    if (t instanceof DestinationLock.HeldException) {
      return LOCKED;
    }
    if (t instanceof AuthException) {
      return AUTH;
    }
    if (t instanceof StoreException) {
      return STORE;
    }
    if (t instanceof PitemException) {
      return REFUSED;
    }
    if (t instanceof RepoException || t instanceof IOException) {
      // a local I/O problem outside any transfer: the repository or its files
      return REPO;
    }
    return INTERNAL;
  }

  static int of(PantriException.Category c) {
    return switch (c) {
      case PARTIAL -> PARTIAL;
      case USAGE -> USAGE;
      case REPO -> REPO;
      case AUTH -> AUTH;
      case STORE -> STORE;
      case REFUSED -> REFUSED;
      case LOCKED -> LOCKED;
      case INTERRUPTED -> INTERRUPTED;
    };
  }

  /** One line for the user; an internal error says so and how to get the stack trace. */
  static String message(Throwable t) {
    if (of(t) == INTERNAL) {
      return "internal error: " + t + " (please report; rerun with --verbose for the stack trace)";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Prints what went wrong (the stack trace too with {@code verbose}) and returns the exit code. */
  static int report(Throwable t, PrintStream err, boolean verbose) {
    PrintWriter w = new PrintWriter(err, true);
    int code = report(t, w, verbose);
    w.flush();
    return code;
  }

  static int report(Throwable t, PrintWriter err, boolean verbose) {
    int code = of(t);
    err.println("pantri: " + (code == INTERNAL ? "" : "error: ") + message(t));
    if (verbose) {
      (code == INTERNAL || t.getCause() == null ? t : t.getCause()).printStackTrace(err);
    }
    return code;
  }

  /** An exception that escaped a command: mapped like any other, never picocli's exit 1. */
  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean verbose = false;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      verbose |= p.hasMatchedOption("--verbose");
    }
    return report(ex, cl.getErr(), verbose);
  }
}
