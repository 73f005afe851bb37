package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Paths inside one destination directory. Every write goes through {@link #parentFor}, which
 * refuses a symlink or file anywhere on the way, so nothing can be written outside DEST.
 */
final class DestTree {
  private final Path root;
  private final Set<Path> safeDirs = ConcurrentHashMap.newKeySet();

  DestTree(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /** The absolute path of a validated shelves-relative path. */
  Path resolve(String rel) throws IOException {
    Path p = root.resolve(rel).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IOException(rel + ": path escapes the destination; refused");
    }
    for (Path seg : root.relativize(p)) {
      if (seg.toString().equalsIgnoreCase(".git")) {
        throw new IOException(rel + ": a path through a .git directory is never written; refused");
      }
    }
    return p;
  }

  /** Creates the target's parent directories, refusing links and non-directories on the way. */
  Path parentFor(Path target) throws IOException {
    Path parent = target.getParent();
    if (safeDirs.contains(parent)) {
      return target;
    }
    Path cur = root;
    Files.createDirectories(root);
    for (Path part : root.relativize(parent)) {
      cur = cur.resolve(part);
      if (safeDirs.contains(cur)) {
        continue;
      }
      if (Files.isSymbolicLink(cur)) {
        throw new IOException(cur + " is a symbolic link; refusing to write through it");
      }
      if (Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(cur + " is a file where a directory is needed; remove it and retry");
        }
      } else {
        try {
          Files.createDirectory(cur);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // created by a concurrent download: checked again below
          if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
            throw e;
          }
        }
      }
      safeDirs.add(cur);
    }
    return target;
  }

  /** Deletes a file (or link) and then its parents that became empty, up to {@code stop}. */
  boolean delete(Path target, Path stop) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    for (Path p = target.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new IOException(p + " is a symbolic link; refusing to delete through it");
      }
    }
    boolean gone = Files.deleteIfExists(target);
    for (Path p = target.getParent(); p != null && p.startsWith(stop) && !p.equals(stop); p = p.getParent()) {
      try (var s = Files.list(p)) {
        if (s.findAny().isPresent()) {
          break;
        }
      }
      Files.delete(p);
      safeDirs.remove(p);
    }
    return gone;
  }
}
