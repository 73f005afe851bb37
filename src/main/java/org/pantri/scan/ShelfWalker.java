package org.pantri.scan;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
   * What one walk found: candidates by shelves-relative path, refused paths with reasons, and
   * temporary files Pantri itself left there (never candidates, see {@link #isPantriTemp}).
   */
  public record Result(Map<String, Found> files, List<String> refused, List<Path> leftovers) {}

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

  /** Walks each start (a file or directory inside shelves/). */
  public Result walk(List<Path> starts) throws IOException {
    Map<String, Found> files = new TreeMap<>();
    List<String> refused = new ArrayList<>();
    List<Path> leftovers = new ArrayList<>();
    for (Path start : starts) {
      Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
              // .git inside a shelf would be a nested repository: not ours to store.
              return dir.getFileName() != null && dir.getFileName().toString().equals(".git")
                  ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
              String rel = relative(f);
              if (java.io.File.separatorChar != '/') {
                rel = rel.replace(java.io.File.separatorChar, '/'); // on POSIX a backslash is part of a name
              }
              if (isPantriTemp(f.getFileName().toString())) {
                leftovers.add(f);
              } else if (a.isSymbolicLink()) {
                refused.add(rel + ": symbolic link, not followed (commit links to git as they are)");
              } else if (a.isRegularFile()) {
                files.put(rel, new Found(shelvesRoot, rel, a.size(), org.pantri.store.FileTimes.pythonSeconds(a.lastModifiedTime()),
                    rel.indexOf('\uFFFD') >= 0 ? f : null));
              } else if (!a.isDirectory()) {
                refused.add(rel + ": not a regular file");
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              refused.add(shelvesRoot.relativize(f) + ": unreadable (" + e.getMessage() + ")");
              return FileVisitResult.CONTINUE;
            }
          });
    }
    return new Result(files, refused, leftovers);
  }
}
