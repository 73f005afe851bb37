package org.pantri.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A bare "remote", an author clone that stores, and a server clone that retrieves, all in a
 * temp directory, using the fs store in {@code store/}.
 */
public final class RepoFixture {
  public final Path base;
  public final Path remote;
  public final Path author;
  public final Path server;
  public final Path store;
  public final Path dest;
  public final Pantri pantri;

  public RepoFixture(Path base) throws IOException, InterruptedException {
    this(base, "");
  }

  /** {@code extraConfig} is appended to pantri.toml's [default] table. */
  public RepoFixture(Path base, String extraConfig) throws IOException, InterruptedException {
    this.base = base;
    this.remote = base.resolve("remote.git");
    this.author = base.resolve("author");
    this.server = base.resolve("server");
    this.store = base.resolve("store");
    this.dest = base.resolve("dest");
    Files.createDirectories(base.resolve("home"));
    this.pantri = new Pantri(base.resolve("home"));
    pantri.git(base, "init", "-q", "--bare", "-b", "main", remote.toString());
    pantri.git(base, "clone", "-q", remote.toString(), author.toString());
    pantri.git(author, "checkout", "-q", "-b", "main");
    Files.createDirectories(author.resolve("shelves"));
    Files.writeString(author.resolve("pantri.toml"),
        "[default]\nobject_store = \"fs\"\nstorage_url = \"" + store + "\"\n" + extraConfig);
    pantri.git(author, "add", "pantri.toml");
    pantri.git(author, "commit", "-q", "-m", "config");
    pantri.git(author, "push", "-q", "-u", "origin", "main");
    pantri.git(base, "clone", "-q", remote.toString(), server.toString());
  }

  /** Writes random bytes (with a NUL, so binary) at shelves/rel in the author clone. */
  public Path binary(String rel, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    if (size > 0) {
      b[0] = 0;
    }
    return write(rel, b);
  }

  public Path text(String rel, String content) throws IOException {
    return write(rel, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public Path write(String rel, byte[] b) throws IOException {
    Path p = author.resolve("shelves").resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, b);
    // a fixed, whole-second mtime in the past, like a file copied in from elsewhere
    Files.setLastModifiedTime(p, FileTime.fromMillis(1_600_000_000_000L + Math.abs(rel.hashCode() % 100000) * 1000L));
    return p;
  }

  public Pantri.Out store(String... args) throws IOException, InterruptedException {
    return pantri.run(author, prepend("store", args));
  }

  public Pantri.Out retrieve(String... args) throws IOException, InterruptedException {
    return pantri.run(server, prepend("retrieve", "-d", dest.toString(), args));
  }

  public void commitAndPush(String msg) throws IOException, InterruptedException {
    pantri.git(author, "add", "-A");
    pantri.git(author, "commit", "-q", "-m", msg);
    pantri.git(author, "push", "-q");
  }

  private static String[] prepend(String first, String... rest) {
    String[] a = new String[rest.length + 1];
    a[0] = first;
    System.arraycopy(rest, 0, a, 1, rest.length);
    return a;
  }

  private static String[] prepend(String a0, String a1, String a2, String... rest) {
    String[] a = new String[rest.length + 3];
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    System.arraycopy(rest, 0, a, 3, rest.length);
    return a;
  }

  /** Every regular file under dir (outside .pantri) → its bytes' SHA-256, keyed by relative path. */
  public static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = dir.relativize(p).toString();
        if (Files.isRegularFile(p) && !rel.startsWith(".pantri")) {
          m.put(rel, org.pantri.scan.Hasher.hash(p).sha256());
        }
      }
    }
    return m;
  }

  /** What dest must contain: the author's shelves minus pitems, ignored names and nothing else. */
  public Map<String, String> expectedDest() throws IOException {
    Map<String, String> m = tree(author.resolve("shelves"));
    m.keySet().removeIf(k -> k.endsWith(".pitem"));
    return m;
  }

  /** The author's pitems, by the binary path each describes (relative to shelves/), read and checked. */
  public Map<String, org.pantri.pitem.Pitem> pitems() throws IOException, org.pantri.pitem.PitemException {
    Path shelves = author.resolve("shelves");
    Map<String, org.pantri.pitem.Pitem> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(shelves)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = shelves.relativize(p).toString();
        if (rel.endsWith(org.pantri.pitem.PitemCodec.SUFFIX)) {
          String binary = rel.substring(0, rel.length() - org.pantri.pitem.PitemCodec.SUFFIX.length());
          m.put(binary, org.pantri.pitem.PitemCodec.read(p, binary));
        }
      }
    }
    return m;
  }

  /** True when no Pantri temp file ({@code .pantri-tmp*}) is anywhere under {@code dir}. */
  public static boolean noTempFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> p.getFileName().toString()).noneMatch(n -> n.startsWith(".pantri-tmp"));
    }
  }
}
