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
    PrintStream err = System.err;
    boolean tty = isTerminal();
    Log log;
    try {
      log = configureLogging(g, tty);
    } catch (IllegalArgumentException | IOException e) {
      err.println("pantri: error: " + (e instanceof IOException ? "cannot open the log file " + g.logFile + ": " : "")
          + e.getMessage());
      return ExitCodeMapper.USAGE;
    }
    boolean quiet = log.consoleLevel().compareTo(Log.Level.INFO) < 0;
    Progress progress = new Progress(err, tty, quiet);
    log.attach(progress);
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
      summary(verb, r, (System.nanoTime() - t0) / 1e9);
      if (json) {
        printJson(verb, r);
      }
      return ExitCodeMapper.of(r);
    } catch (Exception e) {
      // every failure, expected or not, is mapped in one place; a bug is exit 70, not picocli's 1
      java.io.StringWriter msg = new java.io.StringWriter();
      int code;
      try (java.io.PrintWriter w = new java.io.PrintWriter(msg)) {
        code = ExitCodeMapper.report(e, w, log.consoleLevel().compareTo(Log.Level.DEBUG) >= 0);
      }
      log.error(msg.toString().stripTrailing());
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

  /** The console level from --log-level, else -v (debug) / -q (warn), else info. */
  static Log configureLogging(GlobalOptions g, boolean tty) throws IOException {
    Log.Level level = g.logLevel != null ? Log.Level.parse(g.logLevel)
        : g.verbose ? Log.Level.DEBUG : g.quiet ? Log.Level.WARN : Log.Level.INFO;
    return Log.configure(level, tty, g.logFile);
  }

  /** A terminal on both ends: progress bars and prompts make sense, timestamps do not. */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null || System.getenv("TERM") == null || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      // JDK 22+ returns a console even when redirected; it then says whether it is a terminal
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  private static void summary(String verb, Result r, double secs) {
    Log log = Log.get();
    List<Failure> failed;
    synchronized (r.failed) {
      failed = List.copyOf(r.failed);
    }
    for (Failure f : failed.subList(0, Math.min(failed.size(), SUMMARY_FAILURES))) {
      log.error("failed: " + f.message());
    }
    if (failed.size() > SUMMARY_FAILURES) {
      log.error("failed: ... and " + (failed.size() - SUMMARY_FAILURES) + " more (--json lists every one)");
    }
    if (verb.equals("rollback") || OWN_SUMMARY.contains(verb)) {
      return;
    }
    if (verb.equals("verify")) {
      log.log(r.differences.isEmpty() ? Log.Level.INFO : Log.Level.WARN, (r.differences.isEmpty() ? "verified: " : "verify: ")
          + r.skipped.size() + " as expected, " + r.differences.size() + " difference(s)"
          + (r.differences.isEmpty() ? "" : " — pantri verify --repair (or retrieve --force) fixes them"), false);
      return;
    }
    if (verb.equals("status")) {
      log.log(Log.Level.INFO, "status: store would upload or update " + r.stored.size() + "; retrieve of "
          + (r.commit == null ? "HEAD" : r.commit.substring(0, 12)) + " would download " + r.retrieved.size()
          + ", copy " + r.copied.size() + ", remove " + r.removed.size()
          + (r.refused.isEmpty() ? "" : "; " + r.refused.size() + " refused"), false);
      return;
    }
    StringBuilder sb = new StringBuilder(r.dryRun ? "dry run, would have: " : "");
    if (r.commit != null && !r.dryRun) {
      sb.append(r.failed.isEmpty() && r.refused.isEmpty() && !r.interrupted ? "synced " : "partly synced ")
          .append(r.commit, 0, Math.min(12, r.commit.length())).append(": ");
    }
    if (verb.equals("store")) {
      sb.append(r.dryRun ? "stored " : "stored ").append(r.stored.size())
          .append(", unchanged ").append(r.skipped.size());
    } else {
      sb.append("retrieved ").append(r.retrieved.size()).append(", copied ").append(r.copied.size())
          .append(", removed ").append(r.removed.size());
    }
    sb.append(", failed ").append(r.failed.size()).append(", refused ").append(r.refused.size());
    if (!r.created.isEmpty()) {
      sb.append(", created ").append(String.join(", ", r.created));
    }
    if (!r.dryRun) {
      long reused = r.reusedBytes.sum();
      sb.append(String.format(java.util.Locale.ROOT, " (%s%s in %.1f s)", Progress.human(r.bytes.sum()),
          reused > 0 ? " transferred, " + Progress.human(reused) + " reused from the destination" : "", secs));
    }
    if (r.interrupted) {
      sb.append(" — interrupted; run the same command again to finish");
    } else if (!r.failed.isEmpty()) {
      sb.append(" — rerun to retry the failed ones");
    }
    boolean trouble = r.interrupted || !r.failed.isEmpty() || !r.refused.isEmpty();
    // shown under -q when something went wrong, and never with a "warning:" prefix
    log.log(trouble ? Log.Level.WARN : Log.Level.INFO, sb.toString(), false);
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static void printJson(String verb, Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", verb);
    m.put("dry_run", r.dryRun);
    m.put("exit_code", ExitCodeMapper.of(r));
    if (verb.equals("store") || verb.equals("status")) {
      m.put(verb.equals("status") ? "would_store" : "stored", sorted(r.stored));
      m.put("created", sorted(r.created));
    }
    if (verb.equals("status")) {
      m.put("would_retrieve", sorted(r.retrieved));
      m.put("would_copy", sorted(r.copied));
      m.put("would_remove", sorted(r.removed));
      m.put("commit", r.commit);
    } else if (!verb.equals("store") && !verb.equals("verify")) {
      m.put("retrieved", sorted(r.retrieved));
      m.put("copied", sorted(r.copied));
      m.put("removed", sorted(r.removed));
      m.put("up_to_date_shelves", sorted(r.upToDateShelves));
    }
    if (verb.equals("verify")) {
      m.put("differences", sorted(r.differences));
      m.put("as_expected", r.skipped.size());
    } else {
      m.put("skipped", sorted(r.skipped));
    }
    m.put("refused", sorted(r.refused));
    m.put("failed", r.failed.stream().map(f -> Map.of("path", f.name(), "error", f.message(), "kind", f.kind().json())).toList());
    m.put("bytes", r.bytes.sum());
    m.put("bytes_reused", r.reusedBytes.sum());
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
