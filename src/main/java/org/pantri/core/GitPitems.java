package org.pantri.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.pitem.PitemException;
import org.pantri.repo.Git;
import org.pantri.repo.RepoException;
import org.pantri.repo.Repository;

/**
 * Pitems as git holds them at commits: read from git's objects (never the work tree), in bulk
 * ({@code git rev-list --objects}, {@code git log --raw}, one {@code git cat-file --batch}).
 * A malformed or hostile pitem is reported with its problem, never fatal.
 */
final class GitPitems {
  private static final String PREFIX = Repository.SHELVES + "/";
  private static final Pattern SHA256 = Pattern.compile("\"sha256_hash\"\\s*:\\s*\"([0-9a-fA-F]{64})\"");

  private GitPitems() {}

  /**
   * One pitem blob.
   *
   * @param blob git's object id
   * @param repoPath where it was found, e.g. shelves/mac/a.pkg.pitem
   * @param commit a commit that has it (push-check), or null
   * @param pitem the parsed pitem, or null when refused
   * @param problem why it was refused, or null
   * @param sha256s every SHA-256 the blob names (even a refused one), so gc never collects an
   *     object some committed pitem might point at
   */
  record Found(String blob, String repoPath, String commit, Pitem pitem, String problem, Set<String> sha256s) {
    /** The path under shelves/ that the pitem's location implies. */
    String shelvesPath() {
      return expectedPath(repoPath);
    }
  }

  static boolean isPitemPath(String repoPath) {
    return repoPath.startsWith(PREFIX) && repoPath.endsWith(PitemCodec.SUFFIX)
        && repoPath.length() > PREFIX.length() + PitemCodec.SUFFIX.length();
  }

  static String expectedPath(String repoPath) {
    return repoPath.substring(PREFIX.length(), repoPath.length() - PitemCodec.SUFFIX.length());
  }

  /** Pitem blobs reachable from {@code revs} (commits), by blob id, each with one path it has. */
  static Map<String, String> reachableBlobs(Git git, List<String> revs) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (revs.isEmpty()) {
      return out;
    }
    byte[] in = (String.join("\n", revs) + "\n").getBytes(StandardCharsets.UTF_8);
    Git.Result r = git.runWithInput(in, "rev-list", "--objects", "--stdin");
    if (r.exitCode() != 0) {
      throw new RepoException("git rev-list --objects failed: " + r.stderr());
    }
    String s = new String(r.stdout(), StandardCharsets.UTF_8);
    int start = 0;
    while (start < s.length()) {
      int nl = s.indexOf('\n', start);
      if (nl < 0) {
        nl = s.length();
      }
      int sp = s.indexOf(' ', start);
      if (sp > start && sp < nl) {
        String path = s.substring(sp + 1, nl);
        if (isPitemPath(path)) {
          out.putIfAbsent(s.substring(start, sp), path);
        }
      }
      start = nl + 1;
    }
    return out;
  }

  /** A pitem blob added or changed by a commit. */
  record Changed(String commit, String blob, String repoPath) {}

  /**
   * Pitems added or modified by the commits {@code revArgs} select (e.g. {@code sha --not
   * --remotes=origin}), merges compared with each parent; one {@code git log}.
   */
  static List<Changed> changedIn(Git git, List<String> revArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("log", "--format=%x01%H", "--raw", "--no-abbrev", "-z", "-m",
        "--no-renames", "--diff-filter=AMT"));
    args.addAll(revArgs);
    args.add("--");
    args.add(Repository.SHELVES);
    Git.Result r = git.run(args.toArray(String[]::new));
    if (r.exitCode() != 0) {
      throw new RepoException("git log failed: " + r.stderr());
    }
    List<Changed> out = new ArrayList<>();
    String commit = null;
    String header = null;
    for (String tok : splitNul(r.stdout())) {
      String t = tok.startsWith("\n") ? tok.substring(1) : tok;
      if (t.startsWith("\u0001")) {
        commit = t.substring(1).trim();
        header = null;
      } else if (t.startsWith(":")) {
        header = t;
      } else if (header != null) {
        String[] h = header.split(" ");
        header = null;
        if (h.length >= 4 && isPitemPath(t) && !h[1].equals("160000")) {
          out.add(new Changed(commit, h[3], t));
        }
      }
    }
    return out;
  }

  /** Reads and parses the blobs ({@code blob -> repo path, commit}) with one cat-file --batch. */
  static List<Found> read(Git git, Map<String, String[]> blobs) throws IOException {
    List<Found> out = new ArrayList<>();
    if (blobs.isEmpty()) {
      return out;
    }
    List<String> ids = new ArrayList<>(blobs.keySet());
    byte[] in = (String.join("\n", ids) + "\n").getBytes(StandardCharsets.US_ASCII);
    Git.Result r = git.runWithInput(in, "cat-file", "--batch");
    if (r.exitCode() != 0) {
      throw new RepoException("git cat-file --batch failed: " + r.stderr());
    }
    byte[] b = r.stdout();
    int pos = 0;
    for (String id : ids) {
      int nl = indexOf(b, (byte) '\n', pos);
      if (nl < 0) {
        throw new RepoException("git cat-file --batch ended early at " + id);
      }
      String head = new String(b, pos, nl - pos, StandardCharsets.US_ASCII);
      pos = nl + 1;
      String[] where = blobs.get(id);
      if (head.endsWith(" missing")) {
        throw new RepoException("git object " + id + " (" + where[0] + ") is missing from this clone"
            + " (a partial or damaged clone?); run 'git fetch' or use a full clone");
      }
      String[] h = head.split(" ");
      int size = Integer.parseInt(h[2]);
      byte[] content = java.util.Arrays.copyOfRange(b, pos, pos + size);
      pos += size + 1;
      out.add(parse(id, where[0], where[1], content));
    }
    return out;
  }

  static Found parse(String blob, String repoPath, String commit, byte[] content) {
    Set<String> shas = new LinkedHashSet<>();
    Matcher m = SHA256.matcher(new String(content, StandardCharsets.UTF_8));
    while (m.find()) {
      shas.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
    }
    String where = repoPath + (commit == null ? "" : " (commit " + commit.substring(0, Math.min(12, commit.length())) + ")");
    try {
      Pitem p = PitemCodec.decode(content, expectedPath(repoPath), where);
      shas.add(p.sha256());
      return new Found(blob, repoPath, commit, p, null, shas);
    } catch (PitemException e) {
      return new Found(blob, repoPath, commit, null, e.getMessage(), shas);
    }
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  static List<String> splitNul(byte[] b) {
    return Git.splitNul(b);
  }

}
