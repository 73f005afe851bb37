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

/**
 * Walks files under shelves/ without ever following a symlink, and sorts what it finds into
 * candidates (regular files that may be stored) and refusals (links, special files).
 */
public final class ShelfWalker {
  /** A regular file under shelves/, with the facts the plan needs. */
  public record Found(Path file, String shelvesPath, long size, long mtimeSeconds) {}

  /** What one walk found: candidates by shelves-relative path, and refused paths with reasons. */
  public record Result(Map<String, Found> files, List<String> refused) {}

  private final Path shelvesRoot;

  public ShelfWalker(Path shelvesRoot) {
    this.shelvesRoot = shelvesRoot;
  }

  /** Walks each start (a file or directory inside shelves/). */
  public Result walk(List<Path> starts) throws IOException {
    Map<String, Found> files = new TreeMap<>();
    List<String> refused = new ArrayList<>();
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
              String rel = shelvesRoot.relativize(f).toString().replace('\\', '/');
              if (a.isSymbolicLink()) {
                refused.add(rel + ": symbolic link, not followed (commit links to git as they are)");
              } else if (a.isRegularFile()) {
                files.put(rel, new Found(f, rel, a.size(), a.lastModifiedTime().toMillis() / 1000));
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
    return new Result(files, refused);
  }
}
