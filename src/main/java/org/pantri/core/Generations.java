package org.pantri.core;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.pantri.core.PantriException.Category;

/**
 * An atomic destination: DEST is a symbolic link to one complete generation of the tree. A new
 * generation is built beside the live one (unchanged files hard-linked, so it costs little space
 * and time), then the link is switched with one rename, so a web server or rsync daemon serving
 * DEST sees the old tree or the new one, never a mixture. The last {@code keep} generations stay
 * for {@code pantri rollback}. Generations live in {@code .<name>.pantri-generations/} beside DEST
 * (same file system, so links and renames work).
 *
 * <p>Files of the live generation are never modified: every write of a retrieve makes a new file
 * and renames it into place (a hard-linked file is replaced, not changed), deletes only unlink.
 */
final class Generations {
  private final Path link;
  private final Path dir;

  private Generations(Path link) {
    this.link = link;
    this.dir = link.resolveSibling("." + link.getFileName() + ".pantri-generations");
  }

  /** The generations of DEST; refuses a DEST that is a plain directory (see the README to convert). */
  static Generations at(Path dest) throws PantriException {
    Path d = dest.toAbsolutePath().normalize();
    if (Files.exists(d, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(d)) {
      throw new PantriException(Category.USAGE, d + " is a plain directory, not the link an atomic destination is;"
          + " to convert it: mv " + d + " " + d + ".old && pantri retrieve --atomic -d " + d
          + " (then remove " + d + ".old), or retrieve without --atomic");
    }
    Generations g = new Generations(d);
    if (Files.isSymbolicLink(d)) {
      try {
        Path target = d.resolveSibling(Files.readSymbolicLink(d)).normalize();
        if (!target.getParent().equals(g.dir)) {
          throw new PantriException(Category.USAGE, d + " is a link to " + target + ", not to one of pantri's generations in "
              + g.dir + "; remove the link or choose another destination");
        }
      } catch (IOException e) {
        throw new PantriException(Category.USAGE, "cannot read the link " + d + ": " + e.getMessage(), e);
      }
    }
    return g;
  }

  Path directory() {
    return dir;
  }

  /** The generation DEST points to, or null before the first switch. */
  Path live() throws IOException {
    if (!Files.isSymbolicLink(link)) {
      return null;
    }
    return link.resolveSibling(Files.readSymbolicLink(link)).normalize();
  }

  /** Every generation directory, oldest first. */
  List<Path> all() throws IOException {
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().matches("\\d{6,}")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  /**
   * A new generation to build: a hard-linked copy of the live one (empty before the first).
   * Generations newer than the live one (a killed run's half-built tree, one rolled back from) go.
   */
  Path begin() throws IOException {
    Files.createDirectories(dir);
    Path live = live();
    long n = 0;
    for (Path g : all()) {
      long k = Long.parseLong(g.getFileName().toString());
      if (live != null && k > number(live)) {
        deleteTree(g);
        continue;
      }
      n = Math.max(n, k);
    }
    Path next = dir.resolve(String.format(Locale.ROOT, "%06d", n + 1));
    deleteTree(next);
    if (live != null && Files.isDirectory(live)) {
      cloneTree(live, next);
    } else {
      Files.createDirectories(next);
    }
    return next;
  }

  /** Points DEST at {@code gen} with one rename, then keeps only the newest {@code keep} generations. */
  void commit(Path gen, int keep) throws IOException {
    switchTo(gen);
    List<Path> all = all();
    for (int i = 0; i < all.size() - Math.max(1, keep); i++) {
      if (!all.get(i).equals(gen)) {
        deleteTree(all.get(i));
      }
    }
  }

  /** Drops a generation that was not completed; DEST still points to the previous one. */
  void abandon(Path gen) throws IOException {
    deleteTree(gen);
  }

  /** Switches DEST back to the generation before the live one and returns it. */
  Path rollback() throws IOException, PantriException {
    Path live = live();
    if (live == null) {
      throw new PantriException(Category.USAGE, link + " is not an atomic destination yet; nothing to roll back");
    }
    Path previous = null;
    for (Path g : all()) {
      if (number(g) < number(live)) {
        previous = g;
      }
    }
    if (previous == null) {
      throw new PantriException(Category.USAGE, "no generation older than " + live.getFileName() + " is kept in " + dir
          + " (keep_generations decides how many stay)");
    }
    switchTo(previous);
    return previous;
  }

  private void switchTo(Path gen) throws IOException {
    Path tmp = link.resolveSibling("." + link.getFileName() + ".pantri-link-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, link.getParent().relativize(gen));
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static long number(Path gen) {
    return Long.parseLong(gen.getFileName().toString());
  }

  /** Directories made anew, files hard-linked, links copied as links. */
  private static void cloneTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        Path rel = from.relativize(d);
        if (rel.toString().equals(".pantri/partial") || rel.toString().equals(".pantri/lock")) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(rel.toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        Path target = to.resolve(from.relativize(f).toString());
        if (a.isSymbolicLink()) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(f));
        } else if (a.isRegularFile() && !f.getFileName().toString().equals("lock")) {
          Files.createLink(target, f);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        Files.delete(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
