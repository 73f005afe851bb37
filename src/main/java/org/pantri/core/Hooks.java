package org.pantri.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Repository;

/**
 * Installs the pre-push guard: a git {@code pre-push} hook that runs {@code pantri push-check}.
 * An existing hook that is not ours is never overwritten: it is kept as
 * {@code pre-push.pantri-chained} and run first, with the same arguments and input; the push
 * goes ahead only when both agree. Installing again updates our hook and changes nothing else.
 */
public final class Hooks {
  static final String MARKER = "# pantri push guard";
  static final String CHAINED = "pre-push.pantri-chained";

  private Hooks() {}

  /** The hook's text; {@code command} is how to run pantri when $PANTRI is unset (this JVM and class path; else pantri on PATH). */
  static String script(String command) {
    return "#!/bin/sh\n"
        + MARKER + " (installed by 'pantri install-hooks'; see the README)\n"
        + "# Refuses a push whose pitems point at objects missing from the object store.\n"
        + "# An earlier pre-push hook, if there was one, is kept as " + CHAINED + " and runs first.\n"
        + "# Bypass once (not recommended): git push --no-verify\n"
        + "input=$(cat)\n"
        + "hookdir=$(dirname \"$0\")\n"
        + "if [ -x \"$hookdir/" + CHAINED + "\" ]; then\n"
        + "  printf '%s\\n' \"$input\" | \"$hookdir/" + CHAINED + "\" \"$@\" || exit $?\n"
        + "fi\n"
        + "[ -n \"$input\" ] || exit 0\n"
        + "if [ -n \"${PANTRI:-}\" ]; then\n"
        + "  printf '%s\\n' \"$input\" | $PANTRI push-check \"$1\" \"$2\"\n"
        + "elif [ -x " + quote(JAVA) + " ]; then\n"
        + "  printf '%s\\n' \"$input\" | " + command + " push-check \"$1\" \"$2\"\n"
        + "else\n"
        + "  printf '%s\\n' \"$input\" | pantri push-check \"$1\" \"$2\"\n"
        + "fi\n";
  }

  /** How this pantri was started (java + class path), for the hook's fallback. */
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  static String selfCommand() {
    return quote(JAVA) + " -cp " + quote(System.getProperty("java.class.path")) + " org.pantri.cli.Main";
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Installs (or, with {@code dryRun}, only describes) the hook; returns what was done, one line each. */
  public static List<String> install(Repository repo, boolean dryRun) throws PantriException {
    List<String> done = new ArrayList<>();
    try {
      Path dir = repo.root().resolve(repo.git().check("rev-parse", "--git-path", "hooks"));
      Path hook = dir.resolve("pre-push");
      String text = script(selfCommand());
      if (Files.exists(hook, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        String old = Files.isRegularFile(hook) ? Files.readString(hook, StandardCharsets.ISO_8859_1) : "";
        if (old.contains(MARKER)) {
          if (old.equals(text)) {
            done.add("the pantri pre-push hook is already installed in " + hook);
            return done;
          }
          done.add((dryRun ? "would update " : "updated ") + "the pantri pre-push hook " + hook);
        } else {
          Path chained = dir.resolve(CHAINED);
          if (Files.exists(chained, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new PantriException(Category.REPO, hook + " exists and so does " + chained
                + "; pantri will not overwrite either: merge them by hand, then run install-hooks again");
          }
          done.add((dryRun ? "would keep " : "kept ") + "your existing pre-push hook as " + chained
              + " (the pantri hook runs it first, with the same input)");
          if (!dryRun) {
            Files.move(hook, chained);
          }
        }
      } else {
        done.add((dryRun ? "would install " : "installed ") + "the pantri pre-push hook " + hook);
      }
      if (!dryRun) {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".pre-push.pantri-tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, hook, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return done;
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "cannot install the pre-push hook: " + e.getMessage(), e);
    }
  }
}
