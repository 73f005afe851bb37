package org.pantri.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pantri.core.Context;
import org.pantri.core.PantriException;
import org.pantri.core.Result;
import org.pantri.repo.Repository;
import org.pantri.transfer.Failure;

/** Shared plumbing of the commands: set-up, error mapping, summary and --json output. */
final class Run {
  private Run() {}

  interface Operation {
    Result run(Repository repo, Context ctx) throws PantriException, IOException;
  }

  static int execute(GlobalOptions g, boolean json, String verb, Operation op) {
    configureLogging(g.verbose);
    PrintStream err = System.err;
    boolean tty = System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    Progress progress = new Progress(err, tty, g.quiet);
    Console console = new Console(err, g.quiet, progress);
    Map<String, String> env = System.getenv();
    Context ctx = new Context(g.asConfig(), g.passwordFile, g.passwordFile ? Context.noPrompt() : console, env,
        Context.defaultDataDir(env), progress, Main.CANCEL, console);
    long t0 = System.nanoTime();
    try {
      Path home = Context.homeDir(env);
      Repository repo;
      try {
        repo = Repository.find(Path.of("").toAbsolutePath(), g.repo, home);
      } catch (Repository.NotARepositoryException e) {
        // asked once on a terminal, then remembered (the original's behaviour); never in unattended runs
        String answer = tty && !g.passwordFile ? console.ask("Path to your package repository (remembered in ~/"
            + Repository.USER_CONFIG + ")", null) : null;
        if (answer == null || answer.isBlank()) {
          throw e;
        }
        repo = Repository.remember(Path.of(answer.trim().replaceFirst("^~(?=/|$)", home.toString())), home);
      }
      repo.config().warnings().forEach(console::warn);
      repo.excludeLocally(Repository.SECRET_FILES);
      Result r = op.run(repo, ctx);
      if (Main.CANCEL.isCancelled()) {
        r.interrupted = true;
      }
      summary(err, g.quiet, verb, r, (System.nanoTime() - t0) / 1e9);
      if (json) {
        printJson(verb, r);
      }
      return ExitCodeMapper.of(r);
    } catch (Exception e) {
      // every failure, expected or not, is mapped in one place; a bug is exit 70, not picocli's 1
      int code = ExitCodeMapper.report(e, err, g.verbose);
      if (Main.CANCEL.isCancelled()) {
        code = ExitCodeMapper.INTERRUPTED;
      }
      if (json) {
        printJsonError(verb, code, ExitCodeMapper.message(e));
      }
      return code;
    }
  }

  /** Commands that print their own summary (and their own --json). */
  static final java.util.Set<String> OWN_SUMMARY = java.util.Set.of("auth", "ls", "gc", "push-check", "install-hooks");

  /** Failures named one per line in the summary; --json has all of them. */
  static final int SUMMARY_FAILURES = 25;

  static void configureLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", verbose ? "true" : "false");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", verbose ? "true" : "false");
    System.setProperty("org.slf4j.simpleLogger.log.software.amazon", verbose ? "info" : "warn");
    // without --verbose, library warnings read like the console's own "warning: ..." lines
    System.setProperty("org.slf4j.simpleLogger.showLogName", verbose ? "true" : "false");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "false");
    if (!verbose) {
      System.setProperty("org.slf4j.simpleLogger.warnLevelString", "warning:");
      System.setProperty("org.slf4j.simpleLogger.errorLevelString", "error:");
    }
  }

  private static void summary(PrintStream err, boolean quiet, String verb, Result r, double secs) {
    List<Failure> failed;
    synchronized (r.failed) {
      failed = List.copyOf(r.failed);
    }
    for (Failure f : failed.subList(0, Math.min(failed.size(), SUMMARY_FAILURES))) {
      err.println("failed: " + f.message());
    }
    if (failed.size() > SUMMARY_FAILURES) {
      err.println("failed: ... and " + (failed.size() - SUMMARY_FAILURES) + " more (--json lists every one)");
    }
    if ((quiet && r.failed.isEmpty() && r.refused.isEmpty()) || OWN_SUMMARY.contains(verb)) {
      return;
    }
    StringBuilder sb = new StringBuilder(r.dryRun ? "dry run, would have: " : "");
    if (verb.equals("store")) {
      sb.append(r.dryRun ? "stored " : "stored ").append(r.stored.size())
          .append(", unchanged ").append(r.skipped.size());
    } else {
      sb.append("retrieved ").append(r.retrieved.size()).append(", copied ").append(r.copied.size())
          .append(", removed ").append(r.removed.size());
    }
    sb.append(", failed ").append(r.failed.size()).append(", refused ").append(r.refused.size());
    if (!r.dryRun) {
      sb.append(String.format(java.util.Locale.ROOT, " (%s in %.1f s)", Progress.human(r.bytes), secs));
    }
    if (r.interrupted) {
      sb.append(" — interrupted; run the same command again to finish");
    } else if (!r.failed.isEmpty()) {
      sb.append(" — rerun to retry the failed ones");
    }
    err.println(sb);
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static void printJson(String verb, Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", verb);
    m.put("dry_run", r.dryRun);
    m.put("exit_code", ExitCodeMapper.of(r));
    if (verb.equals("store")) {
      m.put("stored", sorted(r.stored));
    } else {
      m.put("retrieved", sorted(r.retrieved));
      m.put("copied", sorted(r.copied));
      m.put("removed", sorted(r.removed));
      m.put("up_to_date_shelves", sorted(r.upToDateShelves));
    }
    m.put("skipped", sorted(r.skipped));
    m.put("refused", sorted(r.refused));
    m.put("failed", r.failed.stream().map(f -> Map.of("path", f.name(), "error", f.message(), "kind", f.kind().json())).toList());
    m.put("bytes", r.bytes);
    m.put("interrupted", r.interrupted);
    try {
      System.out.println(JSON.writeValueAsString(m));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void printJsonError(String verb, int code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", verb);
    m.put("exit_code", code);
    m.put("error", message);
    try {
      System.out.println(JSON.writeValueAsString(m));
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static List<String> sorted(List<String> l) {
    synchronized (l) {
      return l.stream().sorted().toList();
    }
  }
}
