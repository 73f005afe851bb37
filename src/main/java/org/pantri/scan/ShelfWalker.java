package org.pantri.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pantri.io.AtomicFiles;

/**
 * Walks files under shelves/ without ever following a symlink, and sorts what it finds into
 * candidates (regular files that may be stored) and refusals (links, special files).
 */
public final class ShelfWalker {
  /** A regular file under shelves/, with the facts the plan needs. */
  public record Found(Path shelvesRoot, String shelvesPath, long size, long mtimeSeconds, Path kept) {
    /**
     * The file's path, made when asked: a walk of 200,000 files kept a Path each (with its offsets
     * and string) for the whole run, a quarter of a large store's live heap. Only a name that its
     * string cannot give back (bytes that are not UTF-8 read as U+FFFD) keeps the walk's Path.
     */
    public Path file() {
      return kept != null ? kept : shelvesRoot.resolve(shelvesPath);
    }
  }

  /**
   * What one walk found: every regular file by shelves-relative path (for lookups; in no
   * particular order), the files that may be stored (all but pitems) in path order, refused paths
   * with reasons, and temporary files Pantri itself left there (never candidates, see
   * {@link #isPantriTemp}).
   */
  public record Result(Map<String, Found> files, List<Found> inPathOrder, List<String> refused, List<Path> leftovers) {}

  /** By shelves-relative path, as String sorts it (a direct comparison: no key extractor per call). */
  private static final java.util.Comparator<Found> BY_PATH = (a, b) -> a.shelvesPath().compareTo(b.shelvesPath());

  /** Temp names of older versions: {@code .<name>.pitem.tmp<pid>}. */
  private static final Pattern OLD_PITEM_TEMP = Pattern.compile("^\\..+\\.pitem\\.tmp(\\d+)$");

  /** True for a temporary file of Pantri's own: it is never stored, whatever its content. */
  public static boolean isPantriTemp(String name) {
    return name.startsWith(AtomicFiles.TMP_PREFIX)
        || name.startsWith(".") && name.contains(".pitem.tmp") && OLD_PITEM_TEMP.matcher(name).matches();
  }

  /**
   * The process that wrote a temporary file, when its name says (-1 otherwise). A leftover whose
   * writer is gone belongs to a killed run and may be deleted.
   */
  public static long writerPid(String name) {
    long pid = AtomicFiles.writerPid(name);
    if (pid > 0) {
      return pid;
    }
    Matcher m = OLD_PITEM_TEMP.matcher(name);
    return m.matches() ? parsePid(m.group(1)) : -1;
  }

  private static long parsePid(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private final Path shelvesRoot;
  private final String rootPrefix;

  public ShelfWalker(Path shelvesRoot) {
    this.shelvesRoot = shelvesRoot;
    String root = shelvesRoot.toString();
    this.rootPrefix = root.endsWith(java.io.File.separator) ? root : root + java.io.File.separator;
  }

  /**
   * {@code f}'s path below shelves/, sliced from its string: every path a walk from inside
   * shelves/ yields starts with it, and relativize() made a Path per name component.
   */
  private String relative(Path f) {
    String s = f.toString();
    if (s.length() > rootPrefix.length() && s.startsWith(rootPrefix)) {
      return s.substring(rootPrefix.length());
    }
    return shelvesRoot.relativize(f).toString();
  }

  /** Directories with at least this many entries have them stat'ed on several threads. */
  static final int PARALLEL_FROM = 1024;
  private static final int STAT_CHUNK = 256;

  /** One directory entry, seen by lstat: a file to keep, a refusal, a leftover or a directory to walk. */
  private record Entry(Path path, Found found, String refusal, boolean leftover, boolean directory) {}

  /**
   * Walks each start (a file or directory inside shelves/), never following a link; a directory
   * named .git (a nested repository) is skipped.
   */
  public Result walk(List<Path> starts) throws IOException {
    List<Found> found = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<Path> leftovers = new ArrayList<>();
    for (Path start : starts) {
      Entry e = entry(start);
      if (e.directory()) {
        walkDirectory(start, found, refused, leftovers);
      } else {
        take(e, found, refused, leftovers);
      }
    }
    Map<String, Found> files = new java.util.HashMap<>(Math.max(16, found.size() * 4 / 3 + 1));
    List<Found> others = new ArrayList<>(found.size() / 2 + 16);
    for (Found f : found) {
      if (files.put(f.shelvesPath(), f) == null && !f.shelvesPath().endsWith(StoreFilter.PITEM_SUFFIX)) {
        others.add(f); // a start given twice, or inside another, yields a file once
      }
    }
    // Sorted once at the end (a TreeMap kept sorted through 200,000 inserts was a tenth of a large
    // walk), on every core, and only what is ever taken in order: pitems are looked up by name, and
    // sorting them too was half of a sort that made a sixth of an unchanged store's CPU samples.
    Found[] sorted = others.toArray(new Found[0]);
    java.util.Arrays.parallelSort(sorted, BY_PATH);
    return new Result(files, java.util.Collections.unmodifiableList(java.util.Arrays.asList(sorted)), refused, leftovers);
  }

  private void walkDirectory(Path dir, List<Found> found, List<String> refused, List<Path> leftovers)
      throws IOException {
    if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
      return;
    }
    List<Path> subdirectories = new ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      // A batch at a time: a directory of 200,000 names listed whole kept 200,000 Paths and
      // entries alive until its end, long enough to be promoted and collected again by a full GC.
      java.util.Iterator<Path> names = ds.iterator();
      List<Path> batch = new ArrayList<>(BATCH);
      while (names.hasNext()) {
        batch.clear();
        while (batch.size() < BATCH && names.hasNext()) {
          batch.add(names.next());
        }
        for (Entry e : entries(batch)) {
          if (e.directory()) {
            subdirectories.add(e.path()); // walked once this listing is closed
          } else {
            take(e, found, refused, leftovers);
          }
        }
      }
    } catch (java.nio.file.DirectoryIteratorException e) {
      throw e.getCause(); // failed part-way through: the listing cannot be trusted as complete
    } catch (IOException e) {
      refused.add(shelvesRoot.relativize(dir) + ": unreadable (" + e.getMessage() + ")");
      return;
    }
    for (Path d : subdirectories) {
      walkDirectory(d, found, refused, leftovers);
    }
  }

  /** Names listed and lstat'ed at a time. */
  static final int BATCH = 4096;

  /** The entries of {@code names}, by lstat: on several threads for a large batch. */
  private Entry[] entries(List<Path> names) {
    Entry[] entries = new Entry[names.size()];
    if (entries.length < PARALLEL_FROM) {
      for (int i = 0; i < entries.length; i++) {
        entries[i] = entry(names.get(i));
      }
    } else {
      // 100,000 files in one directory: the lstat calls (and the Found each makes) on every core
      java.util.stream.IntStream.range(0, (entries.length + STAT_CHUNK - 1) / STAT_CHUNK).parallel().forEach(c -> {
        for (int i = c * STAT_CHUNK, end = Math.min(entries.length, i + STAT_CHUNK); i < end; i++) {
          entries[i] = entry(names.get(i));
        }
      });
    }
    return entries;
  }

  private static void take(Entry e, List<Found> found, List<String> refused, List<Path> leftovers) {
    if (e.found() != null) {
      found.add(e.found());
    } else if (e.leftover()) {
      leftovers.add(e.path());
    } else if (e.refusal() != null) {
      refused.add(e.refusal());
    }
  }

  /** What {@code f} is, by lstat (safe to call from several threads). */
  private Entry entry(Path f) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(f, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return new Entry(f, null, shelvesRoot.relativize(f) + ": unreadable (" + e.getMessage() + ")", false, false);
    }
    if (a.isDirectory()) {
      return new Entry(f, null, null, false, true);
    }
    String rel = relative(f);
    if (java.io.File.separatorChar != '/') {
      rel = rel.replace(java.io.File.separatorChar, '/'); // on POSIX a backslash is part of a name
    }
    if (isPantriTemp(f.getFileName().toString())) {
      return new Entry(f, null, null, true, false);
    } else if (a.isSymbolicLink()) {
      return new Entry(f, null, rel + ": symbolic link, not followed (commit links to git as they are)", false, false);
    } else if (a.isRegularFile()) {
      return new Entry(f, new Found(shelvesRoot, rel, a.size(), org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()),
          rel.indexOf('\uFFFD') >= 0 ? f : null), null, false, false);
    }
    return new Entry(f, null, rel + ": not a regular file", false, false);
  }
}
