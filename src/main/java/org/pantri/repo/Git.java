package org.pantri.repo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@code git} binary, so users' own git configuration, credential helpers, ssh set-up
 * and hooks behave exactly as on the command line. Never interactive: no prompts, no stdin.
 */
public final class Git {
  private final Path workTree;

  public Git(Path workTree) {
    this.workTree = workTree;
  }

  /** Result of one git command. */
  public record Result(int exitCode, byte[] stdout, String stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8).trim();
    }
  }

  public Result run(String... args) throws IOException {
    return runWithInput(null, args);
  }

  /**
   * Runs git with {@code stdin} as its standard input (written from another thread while the
   * output is read, so large batches cannot deadlock), e.g. {@code cat-file --batch}.
   */
  public Result runWithInput(byte[] stdin, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.add("-c");
    cmd.add("core.quotepath=off");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workTree.toFile());
    Map<String, String> env = pb.environment();
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.putIfAbsent("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    env.put("LC_ALL", "C");
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new RepoException("cannot run git (is it installed and on PATH?): " + e.getMessage());
    }
    if (stdin != null) {
      Thread feed = new Thread(() -> {
        try (var in = p.getOutputStream()) {
          in.write(stdin);
        } catch (IOException ignored) {
          // git stopped reading; its exit code tells the story
        }
      }, "git-stdin");
      feed.setDaemon(true);
      feed.start();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errPump = new Thread(() -> pump(p.getErrorStream(), err), "git-stderr");
    errPump.setDaemon(true);
    errPump.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      int code = p.waitFor();
      errPump.join();
      return new Result(code, out, err.toString(StandardCharsets.UTF_8).trim());
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running git " + args[0]);
    }
  }

  private static void pump(InputStream in, ByteArrayOutputStream to) {
    try {
      in.transferTo(to);
    } catch (IOException ignored) {
      // the process died; its exit code tells the story
    }
  }

  /** Runs git and returns stdout, or throws with git's own message. */
  public String check(String... args) throws IOException {
    Result r = run(args);
    if (r.exitCode() != 0) {
      throw new RepoException("git " + String.join(" ", args) + " failed: "
          + (r.stderr().isEmpty() ? "exit " + r.exitCode() : r.stderr()));
    }
    return r.out();
  }

  /** The commit HEAD points to, or null in a repository without commits. */
  public String head() throws IOException {
    Result r = run("rev-parse", "--verify", "-q", "HEAD^{commit}");
    return r.exitCode() == 0 ? r.out() : null;
  }

  public boolean commitExists(String sha) throws IOException {
    return sha != null && run("cat-file", "-e", sha + "^{commit}").exitCode() == 0;
  }

  private volatile Path gitDir;

  /** Records the .git directory when it is already known (asked together with the top level). */
  void knownGitDir(Path dir) {
    gitDir = dir;
  }

  /** The repository's .git directory (a worktree's own one for linked worktrees); asked once. */
  public Path gitDir() throws IOException {
    Path d = gitDir;
    if (d == null) {
      d = Path.of(check("rev-parse", "--absolute-git-dir"));
      gitDir = d;
    }
    return d;
  }

  /** True when the current branch has an upstream to pull from. */
  public boolean hasUpstream() throws IOException {
    return run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}").exitCode() == 0;
  }

  /** Fetches the upstream's refs without touching the work tree. */
  public void fetch() throws IOException {
    Result r = run("fetch", "-q");
    if (r.exitCode() != 0) {
      throw new RepoException("git fetch failed: " + r.stderr());
    }
  }

  /** The commit a revision names, e.g. "@{u}". */
  public String revParse(String rev) throws IOException {
    return check("rev-parse", "--verify", "-q", rev + "^{commit}");
  }

  /**
   * Fast-forwards to the upstream, as {@code git pull --ff-only} does (fetch, then merge
   * FETCH_HEAD), and refuses to merge or rebase behind the user's back. When the fetched commit is
   * HEAD already, no merge runs: the usual "nothing new" costs one git process less (git's merge
   * reads the whole index, 100,000 entries in a large repository). Returns HEAD afterwards, and
   * whether it moved.
   */
  public Pulled pull() throws IOException {
    String before = head();
    Result f = run("fetch", "--update-head-ok", "-q");
    if (f.exitCode() != 0) {
      throw pullFailed(f);
    }
    String fetched = fetchedForMerge();
    if (fetched != null && fetched.equals(before)) {
      return new Pulled(before, false);
    }
    Result m = run("merge", "--ff-only", "-q", "FETCH_HEAD");
    if (m.exitCode() != 0) {
      throw pullFailed(m);
    }
    String after = head();
    return new Pulled(after, after != null && !after.equals(before));
  }

  /** HEAD after a {@link #pull}, and whether the pull moved it. */
  public record Pulled(String head, boolean moved) {}

  private static RepoException pullFailed(Result r) {
    return new RepoException("git pull failed: " + r.stderr()
        + "\n  fix the repository (or use --no-pull to retrieve the current checkout)");
  }

  /**
   * The one commit the last fetch marked for merging (FETCH_HEAD lines without "not-for-merge"),
   * or null when there is none or more than one (then git's merge decides).
   */
  private String fetchedForMerge() throws IOException {
    Path fh = gitDir().resolve("FETCH_HEAD");
    if (!Files.isRegularFile(fh)) {
      return null;
    }
    String found = null;
    for (String line : Files.readAllLines(fh, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", 3);
      if (f.length >= 2 && f[1].isEmpty()) {
        if (found != null) {
          return null;
        }
        found = f[0];
      }
    }
    return found != null && found.matches("[0-9a-f]{40,64}") ? found : null;
  }

  /** NUL-separated paths of tracked files under {@code pathspec} (relative to the work tree). */
  public List<String> lsFiles(String pathspec) throws IOException {
    Result r = run("ls-files", "-z", "--", pathspec);
    if (r.exitCode() != 0) {
      throw new RepoException("git ls-files failed: " + r.stderr());
    }
    return splitNul(r.stdout());
  }

  /** One changed path between two commits: status A, M, D or T, path relative to the work tree. */
  public record Change(char status, String path) {}

  /** What changed under {@code pathspec} from {@code from} to {@code to} (renames as delete + add). */
  public List<Change> diff(String from, String to, String pathspec) throws IOException {
    Result r = run("diff-tree", "-r", "-z", "--no-renames", "--name-status", from, to, "--", pathspec);
    if (r.exitCode() != 0) {
      throw new RepoException("git diff-tree failed: " + r.stderr());
    }
    List<String> parts = splitNul(r.stdout());
    List<Change> out = new ArrayList<>();
    for (int i = 0; i + 1 < parts.size(); i += 2) {
      out.add(new Change(parts.get(i).charAt(0), parts.get(i + 1)));
    }
    return out;
  }

  /**
   * Removes from the index (not from disk) those of {@code paths} (relative to the work tree)
   * that git tracks. Returns the paths it untracked.
   */
  public List<String> untrack(List<String> paths) throws IOException {
    if (paths.isEmpty()) {
      return List.of();
    }
    // One listing of the index under the paths' top directories, matched here: git matching
    // hundreds of pathspecs against every index entry is quadratic (minutes at 100,000 files).
    java.util.TreeSet<String> tops = new java.util.TreeSet<>();
    for (String p : paths) {
      int slash = p.indexOf('/');
      tops.add(slash < 0 ? p : p.substring(0, slash));
    }
    List<String> args = new ArrayList<>(List.of("ls-files", "-z", "--"));
    tops.forEach(t -> args.add(":(literal)" + t)); // literal: a name like "a*b[1].pkg" is no glob
    Result ls = run(args.toArray(String[]::new));
    if (ls.exitCode() != 0) {
      throw new RepoException("git ls-files failed: " + ls.stderr());
    }
    java.util.Set<String> wanted = new java.util.HashSet<>(paths);
    List<String> tracked = new ArrayList<>();
    for (String p : splitNul(ls.stdout())) {
      if (wanted.contains(p)) {
        tracked.add(p);
      }
    }
    for (int i = 0; i < tracked.size(); i += 500) {
      List<String> rm = new ArrayList<>(List.of("rm", "--cached", "-q", "--"));
      tracked.subList(i, Math.min(tracked.size(), i + 500)).forEach(p -> rm.add(":(literal)" + p));
      Result r = run(rm.toArray(String[]::new));
      if (r.exitCode() != 0) {
        throw new RepoException("git rm --cached failed: " + r.stderr());
      }
    }
    return tracked;
  }

  /** NUL-separated records (git's -z output) as UTF-8 strings. */
  public static List<String> splitNul(byte[] b) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < b.length) {
      out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
    }
    return out;
  }
}
