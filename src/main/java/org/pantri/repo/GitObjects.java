package org.pantri.repo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads trees and blobs of a commit straight from git's object store (one long-lived
 * {@code git cat-file --batch}), so what reaches a destination is what the commit holds — never
 * an uncommitted edit or an untracked file of the clone's work tree.
 */
public final class GitObjects implements AutoCloseable {
  /** A file of a tree: git mode (100644, 100755, 120000, 160000), blob id, size, path. */
  public record Entry(int mode, String blob, long size, String path) {
    public boolean executable() {
      return mode == 0100755;
    }

    public boolean regular() {
      return mode == 0100644 || mode == 0100755;
    }

    public boolean symlink() {
      return mode == 0120000;
    }
  }

  /** One changed path between two commits, with the new side's mode and blob (status A, M, D, T). */
  public record Change(char status, Entry entry) {}

  private final Path workTree;
  private Process batch;
  private OutputStream batchIn;
  private InputStream batchOut;

  public GitObjects(Path workTree) {
    this.workTree = workTree;
  }

  /** Every file under {@code pathspec} (e.g. "shelves/") at {@code commit}, recursively. */
  public List<Entry> lsTree(String commit, String pathspec) throws IOException {
    return entries(commit, "-r", pathspec);
  }

  /** The entries directly under {@code dir} (not recursive) at {@code commit}; directories have mode 040000. */
  public List<Entry> list(String commit, String dir) throws IOException {
    return entries(commit, null, dir.endsWith("/") ? dir : dir + "/");
  }

  private List<Entry> entries(String commit, String recursive, String pathspec) throws IOException {
    List<String> args = new ArrayList<>(List.of("ls-tree", "-l", "-z", "--full-tree"));
    if (recursive != null) {
      args.add(recursive);
    }
    args.addAll(List.of(commit, "--", pathspec));
    Git.Result r = new Git(workTree).run(args.toArray(String[]::new));
    if (r.exitCode() != 0) {
      throw new RepoException("git ls-tree " + commit + " failed: " + r.stderr());
    }
    List<Entry> out = new ArrayList<>();
    for (String rec : Git.splitNul(r.stdout())) {
      // "<mode> SP <type> SP <object> SP <size> TAB <path>"
      int tab = rec.indexOf('\t');
      String[] f = rec.substring(0, tab).trim().split(" +");
      long size = f[3].equals("-") ? -1 : Long.parseLong(f[3]);
      out.add(new Entry(Integer.parseInt(f[0], 8), f[2], size, rec.substring(tab + 1)));
    }
    return out;
  }

  /** The size of a blob (one request to a long-lived {@code git cat-file --batch-check}). */
  public synchronized long size(String blob) throws IOException {
    if (!blob.matches("[0-9a-f]{40,64}")) {
      throw new RepoException("not a git object id: " + blob);
    }
    if (check == null) {
      ProcessBuilder pb = new ProcessBuilder("git", "cat-file", "--batch-check").directory(workTree.toFile());
      pb.environment().put("LC_ALL", "C");
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      check = pb.start();
      checkIn = check.getOutputStream();
      checkOut = new java.io.BufferedReader(new java.io.InputStreamReader(check.getInputStream(), StandardCharsets.US_ASCII));
    }
    checkIn.write((blob + "\n").getBytes(StandardCharsets.US_ASCII));
    checkIn.flush();
    String line = checkOut.readLine();
    if (line == null || line.endsWith(" missing")) {
      throw new RepoException("git object " + blob + " is missing (a partial or corrupt clone?)");
    }
    return Long.parseLong(line.split(" ")[2]);
  }

  private Process check;
  private OutputStream checkIn;
  private java.io.BufferedReader checkOut;

  /** The top-level entries directly under {@code dir} at {@code commit}: name → is a directory. */
  public Map<String, Boolean> children(String commit, String dir) throws IOException {
    Git.Result r = new Git(workTree).run("ls-tree", "-z", "--full-tree", commit, "--", dir.endsWith("/") ? dir : dir + "/");
    if (r.exitCode() != 0) {
      throw new RepoException("git ls-tree " + commit + " failed: " + r.stderr());
    }
    Map<String, Boolean> out = new java.util.TreeMap<>();
    for (String rec : Git.splitNul(r.stdout())) {
      int tab = rec.indexOf('\t');
      String[] f = rec.substring(0, tab).trim().split(" +");
      String path = rec.substring(tab + 1);
      out.put(path.substring(path.lastIndexOf('/') + 1), f[1].equals("tree"));
    }
    return out;
  }

  /** What changed under {@code pathspec} from {@code from} to {@code to}, renames as delete + add. */
  public List<Change> diff(String from, String to, String pathspec) throws IOException {
    Git.Result r = new Git(workTree).run("diff-tree", "-r", "-z", "--no-renames", "--raw", from, to, "--", pathspec);
    if (r.exitCode() != 0) {
      throw new RepoException("git diff-tree failed: " + r.stderr());
    }
    List<String> parts = Git.splitNul(r.stdout());
    List<Change> out = new ArrayList<>();
    for (int i = 0; i + 1 < parts.size(); i += 2) {
      // ":<old mode> <new mode> <old sha> <new sha> <status>"
      String[] f = parts.get(i).substring(1).split(" ");
      char status = f[4].charAt(0);
      boolean gone = status == 'D';
      int mode = Integer.parseInt(gone ? f[0] : f[1], 8);
      out.add(new Change(status, new Entry(mode, gone ? f[2] : f[3], -1, parts.get(i + 1))));
    }
    return out;
  }

  /** The blob's bytes; {@code max} bounds what is read (a hostile pitem cannot exhaust memory). */
  public synchronized byte[] read(String blob, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stream(blob, max, out);
    return out.toByteArray();
  }

  /**
   * Many small blobs at once (pitems): the ids are written to {@code git cat-file --batch} by a
   * second thread while the answers are read, so 10,000 pitems cost one process and no round trip
   * each. A blob larger than {@code max} maps to null.
   */
  public synchronized Map<String, byte[]> readAll(List<String> blobs, long max) throws IOException {
    Map<String, byte[]> out = new java.util.HashMap<>();
    if (blobs.isEmpty()) {
      return out;
    }
    ProcessBuilder pb = new ProcessBuilder("git", "cat-file", "--batch").directory(workTree.toFile());
    pb.environment().put("LC_ALL", "C");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    Thread writer = new Thread(() -> {
      try (OutputStream w = new java.io.BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
        for (String b : blobs) {
          w.write((b + "\n").getBytes(StandardCharsets.US_ASCII));
        }
      } catch (IOException ignored) {
        // the reader sees the short output and says so
      }
    }, "git-cat-file-writer");
    writer.setDaemon(true);
    writer.start();
    InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16);
    try {
      for (String b : blobs) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
          if (c < 0) {
            throw new RepoException("git cat-file --batch ended unexpectedly");
          }
          line.write(c);
        }
        String header = line.toString(StandardCharsets.US_ASCII);
        if (header.endsWith(" missing")) {
          throw new RepoException("git object " + b + " is missing (a partial or corrupt clone?)");
        }
        long size = Long.parseLong(header.split(" ")[2]);
        if (size > max) {
          in.skipNBytes(size + 1);
          out.put(b, null);
          continue;
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size || in.read() != '\n') {
          throw new RepoException("git cat-file ended early reading " + b);
        }
        out.put(b, data);
      }
    } finally {
      p.destroy();
    }
    return out;
  }

  /** Streams the blob into {@code out} (any size, bounded memory); returns its size. */
  public synchronized long copy(String blob, OutputStream out) throws IOException {
    return stream(blob, Long.MAX_VALUE, out);
  }

  private long stream(String blob, long max, OutputStream out) throws IOException {
    if (!blob.matches("[0-9a-f]{40,64}")) {
      throw new RepoException("not a git object id: " + blob);
    }
    start();
    batchIn.write((blob + "\n").getBytes(StandardCharsets.US_ASCII));
    batchIn.flush();
    String header = readLine();
    if (header.endsWith(" missing")) {
      throw new RepoException("git object " + blob + " is missing (a partial or corrupt clone?)");
    }
    long size = Long.parseLong(header.split(" ")[2]);
    if (size > max) {
      batchOut.skipNBytes(size + 1);
      throw new RepoException("git object " + blob + " has " + size + " bytes, more than the " + max + " expected");
    }
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = batchOut.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new RepoException("git cat-file ended early reading " + blob);
      }
      out.write(buf, 0, n);
      left -= n;
    }
    if (batchOut.read() != '\n') {
      throw new RepoException("git cat-file: unexpected output after " + blob);
    }
    return size;
  }

  private void start() throws IOException {
    if (batch == null) {
      ProcessBuilder pb = new ProcessBuilder("git", "cat-file", "--batch").directory(workTree.toFile());
      pb.environment().put("LC_ALL", "C");
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      batch = pb.start();
      batchIn = batch.getOutputStream();
      batchOut = new BufferedInputStream(batch.getInputStream(), 1 << 16);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = batchOut.read()) != '\n') {
      if (c < 0) {
        throw new RepoException("git cat-file --batch ended unexpectedly");
      }
      line.write(c);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public synchronized void close() {
    if (check != null) {
      try {
        checkIn.close();
      } catch (IOException ignored) {
        // going away anyway
      }
      check.destroy();
      check = null;
    }
    if (batch != null) {
      try {
        batchIn.close();
      } catch (IOException ignored) {
        // the process is going away anyway
      }
      batch.destroy();
      batch = null;
    }
  }
}
