package org.pantri.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.pantri.store.ObjectStores;

/** A git repository laid out for Pantri: {@code shelves/<shelf>/...} under the work-tree root. */
public final class Repository {
  public static final String SHELVES = "shelves";
  /** Remembers the repository for use outside it, as the original tool did. */
  public static final String USER_CONFIG = ".pantri_config.json";

  private final Path root;
  private final Git git;
  private Config config;

  private Repository(Path root) {
    this.root = root;
    this.git = new Git(root);
  }

  /**
   * The repository that {@code explicit} names, else the one containing {@code cwd}, else the one
   * remembered in {@code ~/.pantri_config.json} ({"itbin_path": ...}).
   */
  public static Repository find(Path cwd, Path explicit, Path home) throws IOException {
    if (explicit != null) {
      return open(explicit.toAbsolutePath().normalize(), "--repo " + explicit);
    }
    Git.Result r = new Git(cwd).run("rev-parse", "--show-toplevel", "--absolute-git-dir");
    if (r.exitCode() == 0 && !r.out().isEmpty()) {
      return at(r); // git just named the top level (and the .git directory): no second rev-parse
    }
    Path remembered = home.resolve(USER_CONFIG);
    if (Files.isRegularFile(remembered)) {
      JsonNode n = new ObjectMapper().readTree(remembered.toFile());
      if (n != null && n.hasNonNull("itbin_path")) {
        return open(Path.of(n.get("itbin_path").asText()), remembered.toString());
      }
    }
    throw new NotARepositoryException("not inside a git repository; run pantri inside your package repository,"
        + " pass --repo DIR, or put {\"itbin_path\": \"/path/to/repo\"} in ~/" + USER_CONFIG);
  }

  /** Thrown by {@link #find} when neither the directory nor ~/.pantri_config.json names a repository. */
  public static final class NotARepositoryException extends RepoException {
    NotARepositoryException(String message) {
      super(message);
    }
  }

  /**
   * Opens {@code dir} and remembers it in ~/.pantri_config.json for runs outside any repository,
   * as the original tool did after asking once.
   */
  public static Repository remember(Path dir, Path home) throws IOException {
    Repository repo = open(dir.toAbsolutePath().normalize(), "your answer");
    Files.writeString(home.resolve(USER_CONFIG),
        new ObjectMapper().writeValueAsString(java.util.Map.of("itbin_path", repo.root().toString())),
        StandardCharsets.UTF_8);
    return repo;
  }

  private static Repository open(Path dir, String source) throws IOException {
    if (!Files.exists(dir)) {
      throw new RepoException(dir + " (from " + source + ") does not exist; name the directory of your package repository");
    }
    if (!Files.isDirectory(dir)) {
      throw new RepoException(dir + " (from " + source + ") is a file, not a repository directory");
    }
    Git.Result r = new Git(dir).run("rev-parse", "--show-toplevel", "--absolute-git-dir");
    if (!Files.isDirectory(dir) || r.exitCode() != 0) {
      throw new RepoException(dir + " (from " + source + ") is not a git repository");
    }
    return at(r);
  }

  /** The repository of a {@code rev-parse --show-toplevel --absolute-git-dir} answer. */
  private static Repository at(Git.Result topAndGitDir) throws IOException {
    String[] lines = topAndGitDir.out().split("\n");
    Repository repo = new Repository(Path.of(lines[0]).toRealPath());
    if (lines.length > 1 && !lines[1].isEmpty()) {
      repo.git().knownGitDir(Path.of(lines[1]));
    }
    repo.config = loadConfig(repo.root);
    return repo;
  }

  public Path root() {
    return root;
  }

  public Path shelves() {
    return root.resolve(SHELVES);
  }

  public Git git() {
    return git;
  }

  public Config config() {
    return config;
  }

  /** Re-reads pantri.toml, e.g. after a pull changed it. */
  public void reloadConfig() throws RepoException {
    config = loadConfig(root);
  }

  /** pantri.toml, knowing the keys of every store on the class path, checked against the shelves. */
  private static Config loadConfig(Path root) throws RepoException {
    Path file = root.resolve(Config.FILE_NAME);
    Config c = Config.load(file, ObjectStores.declaredOptions().keySet());
    List<String> shelves = new ArrayList<>();
    Path dir = root.resolve(SHELVES);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> shelves.add(p.getFileName().toString()));
      } catch (IOException e) {
        throw new RepoException("cannot list " + dir + ": " + e.getMessage());
      }
    }
    c.checkShelves(shelves, file);
    return c;
  }

  /** The secret files kept at the root (SPEC §7); never committed. */
  public static final List<String> SECRET_FILES = List.of(".pantri_auth_token", ".pantri_password");

  /**
   * Keeps the secret files out of git in this clone through .git/info/exclude, which never
   * dirties the work tree (a retrieve clone must stay pullable).
   */
  public void excludeLocally(List<String> names) throws IOException {
    Path exclude = git.gitDir().resolve("info").resolve("exclude");
    List<String> lines = Files.exists(exclude) ? Files.readAllLines(exclude, StandardCharsets.UTF_8) : List.of();
    StringBuilder add = new StringBuilder();
    for (String n : names) {
      String line = ignoreLine(n);
      if (!lines.contains(line)) {
        add.append(line).append('\n');
      }
    }
    if (add.length() == 0) {
      return;
    }
    Files.createDirectories(exclude.getParent());
    byte[] old = Files.exists(exclude) ? Files.readAllBytes(exclude) : new byte[0];
    String sep = old.length > 0 && old[old.length - 1] != '\n' ? "\n" : "";
    Files.writeString(exclude, sep + add, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** The shelf directories directly under shelves/ (hidden ones excluded), sorted. */
  public List<String> shelfNames() throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(shelves())) {
      return out;
    }
    try (Stream<Path> s = Files.list(shelves())) {
      s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  /**
   * The '/'-separated path of {@code p} relative to shelves/, refusing anything outside it (after
   * resolving symlinks in the parent directories, so a linked directory cannot smuggle a path out).
   */
  public String shelvesPath(Path p) throws RepoException {
    Path abs = p.toAbsolutePath().normalize();
    Path real;
    try {
      Path parent = abs.getParent();
      real = parent == null ? abs : parent.toRealPath().resolve(abs.getFileName());
    } catch (IOException e) {
      throw new RepoException(p + ": no such file or directory");
    }
    Path shelvesReal;
    try {
      shelvesReal = shelves().toRealPath();
    } catch (IOException e) {
      throw new RepoException("the repository " + root + " has no shelves/ directory");
    }
    if (real.equals(shelvesReal)) {
      return "";
    }
    if (!real.startsWith(shelvesReal)) {
      throw new RepoException(p + " is outside " + shelves() + "; pantri only stores files under shelves/");
    }
    String rel = shelvesReal.relativize(real).toString();
    // '\\' is a separator only where the platform says so; on POSIX it is part of a name
    return java.io.File.separatorChar == '/' ? rel : rel.replace(java.io.File.separatorChar, '/');
  }

  /** The first path segment of a shelves-relative path. */
  public static String shelfOf(String shelvesPath) {
    int i = shelvesPath.indexOf('/');
    return i < 0 ? shelvesPath : shelvesPath.substring(0, i);
  }

  /**
   * Makes git ignore exactly these shelves-relative paths (anchored, escaped), appending to the
   * root .gitignore only what is missing. Returns how many lines were added.
   */
  public int ignoreExactly(Set<String> shelvesPaths) throws IOException {
    return ignoreRepoPaths(shelvesPaths.stream().map(p -> SHELVES + "/" + p).toList());
  }

  /** Like {@link #ignoreExactly} for repo-relative paths. */
  public int ignoreRepoPaths(List<String> repoPaths) throws IOException {
    return updateIgnored(null, repoPaths).added();
  }

  /** What {@link #updateIgnored} changed: lines removed, lines added. */
  public record IgnoreUpdate(int pruned, int added) {}

  /**
   * One read and at most one write of the root .gitignore (a store of 100,000 binaries read and
   * split its 100,000 lines twice): with {@code seen} non-null, first removes the exact-path lines
   * Pantri added for binaries that are gone with their pitems (deleted or renamed), so the file does
   * not grow forever; then appends a line for each of {@code repoPaths} it lacks. Lines of binaries
   * whose pitem is still there (e.g. a clone without the bytes) and every line Pantri did not write
   * stay. {@code seen} are the shelves-relative paths a walk just saw: a line of one of them (or of
   * its pitem) is kept without a stat. A .gitignore that is a link is read through, never pruned.
   */
  public IgnoreUpdate updateIgnored(Set<String> seen, List<String> repoPaths) throws IOException {
    Path gi = root.resolve(".gitignore");
    byte[] old = Files.exists(gi) ? Files.readAllBytes(gi) : new byte[0];
    boolean prune = seen != null && Files.isRegularFile(gi, LinkOption.NOFOLLOW_LINKS);
    List<IgnoreLine> lines = IgnoreLine.split(old);
    List<IgnoreLine> kept = prune ? new ArrayList<>(lines.size()) : lines;
    int removed = 0;
    if (prune) {
      for (IgnoreLine l : lines) {
        // a line that is not UTF-8 was never written by Pantri: kept, byte for byte
        if (l.text() != null && isGoneBinary(l.text(), seen)) {
          removed++;
        } else {
          kept.add(l);
        }
      }
    }
    Set<String> have = new java.util.HashSet<>();
    kept.forEach(l -> have.add(l.text()));
    List<String> add = new ArrayList<>();
    for (String s : repoPaths) {
      String line = ignoreLine(s);
      if (have.add(line)) {
        add.add(line);
      }
    }
    if (removed > 0) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(old.length);
      kept.forEach(l -> l.writeTo(out, old));
      add.forEach(l -> out.writeBytes((l + "\n").getBytes(StandardCharsets.UTF_8)));
      org.pantri.io.AtomicFiles.write(gi, out.toByteArray());
    } else if (!add.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      if (old.length > 0 && old[old.length - 1] != '\n') {
        sb.append('\n');
      }
      add.forEach(l -> sb.append(l).append('\n'));
      byte[] extra = sb.toString().getBytes(StandardCharsets.UTF_8);
      byte[] all = java.util.Arrays.copyOf(old, old.length + extra.length);
      System.arraycopy(extra, 0, all, old.length, extra.length);
      org.pantri.io.AtomicFiles.write(gi, all);
    }
    return new IgnoreUpdate(removed, add.size());
  }

  /** A line Pantri wrote for a binary under shelves/ that is gone with its pitem. */
  private boolean isGoneBinary(String line, Set<String> seen) {
    String path = unescapeIgnoreLine(line);
    if (path == null || !path.startsWith(SHELVES + "/") || path.endsWith("/")) {
      return false;
    }
    String rel = path.substring(SHELVES.length() + 1);
    if (seen.contains(rel) || seen.contains(rel + ".pitem")) {
      return false;
    }
    Path bin = root.resolve(path);
    Path pitem = bin.resolveSibling(bin.getFileName() + ".pitem");
    return !Files.exists(bin, LinkOption.NOFOLLOW_LINKS) && !Files.exists(pitem, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * One line of a .gitignore: where its bytes are in the file (line end included, so a rewrite
   * copies CRLF and bytes that are not UTF-8 exactly), and its text without the line end, or null
   * where the bytes are not UTF-8 (git reads such lines as bytes; none of them is one Pantri wrote).
   */
  private record IgnoreLine(int from, int to, String text) {
    static List<IgnoreLine> split(byte[] all) {
      List<IgnoreLine> out = new ArrayList<>();
      int start = 0;
      while (start < all.length) {
        int nl = start;
        while (nl < all.length && all[nl] != '\n') {
          nl++;
        }
        int end = nl > start && all[nl - 1] == '\r' ? nl - 1 : nl;
        out.add(new IgnoreLine(start, Math.min(nl + 1, all.length), utf8OrNull(all, start, end - start)));
        start = nl + 1;
      }
      return out;
    }

    /** Copies the line from {@code all}, the file it was split from, ending it with a newline. */
    void writeTo(java.io.ByteArrayOutputStream out, byte[] all) {
      out.write(all, from, to - from);
      if (all[to - 1] != '\n') { // the last line had none
        out.write('\n');
      }
    }

    private static String utf8OrNull(byte[] b, int off, int len) {
      boolean ascii = true;
      for (int i = off; i < off + len && ascii; i++) {
        ascii = b[i] >= 0;
      }
      if (ascii) { // nearly every line; no decoder needed
        return new String(b, off, len, StandardCharsets.US_ASCII);
      }
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(b, off, len)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        return null;
      }
    }
  }

  /** The repo-relative path of a line {@link #ignoreLine} wrote, or null for any other line. */
  static String unescapeIgnoreLine(String line) {
    if (!line.startsWith("/") || line.startsWith("//")) {
      return null;
    }
    if (plain(line)) {
      return line.substring(1); // nothing escaped: ignoreLine gives this line back
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        sb.append(line.charAt(++i));
      } else if (c == '*' || c == '?' || c == '[' || c == '\\') {
        return null; // a glob: not one of ours
      } else {
        sb.append(c);
      }
    }
    String p = sb.toString();
    return ignoreLine(p).equals(line) ? p : null;
  }

  /** No character that {@link #ignoreLine} escapes or a glob uses, no trailing space. */
  private static boolean plain(String line) {
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '\\' || c == '!' || c == '#') {
        return false;
      }
    }
    return line.charAt(line.length() - 1) != ' ';
  }

  /** A .gitignore line matching exactly this repo-relative path and nothing else. */
  static String ignoreLine(String repoPath) {
    StringBuilder sb = null; // made only for a path that needs escaping: most do not
    for (int i = 0; i < repoPath.length(); i++) {
      char c = repoPath.charAt(i);
      boolean escape = c == '*' || c == '?' || c == '[' || c == '\\' || c == '!' || c == '#'
          || (c == ' ' && i == repoPath.length() - 1);
      if (escape && sb == null) {
        sb = new StringBuilder(repoPath.length() + 8).append('/').append(repoPath, 0, i);
      }
      if (sb != null) {
        if (escape) {
          sb.append('\\');
        }
        sb.append(c);
      }
    }
    return sb == null ? "/" + repoPath : sb.toString();
  }
}
