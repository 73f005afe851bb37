package org.pantri.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import org.pantri.repo.HostTrust;
import org.pantri.repo.Repository;

/**
 * Where a retrieve may write. A destination is refused when it lies in a git directory (files
 * there, e.g. hooks, are run by git), contains the repository, lies among its tracked files, or —
 * when it came from the committed pantri.toml — lies outside the repository without this host's
 * consent ({@link HostTrust}): a teammate's commit must not make hosts write into /etc.
 */
final class DestinationCheck {
  private DestinationCheck() {}

  /**
   * @param fromRepoConfig the destination was named by the committed config (not -d, not the default)
   * @param inPlace the documented in-place mode (DEST is shelves/)
   */
  static void check(Repository repo, Path dest, boolean fromRepoConfig, boolean inPlace, HostTrust trust,
      Collection<String> shelves) throws PantriException, IOException {
    PantriException.Category code = fromRepoConfig ? PantriException.Category.REPO : PantriException.Category.USAGE;
    String origin = fromRepoConfig ? " (dest_sync in " + repo.root().resolve("pantri.toml") + ")" : "";
    Path abs = dest.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new PantriException(code, "destination " + dest + origin
          + (existing.equals(abs) ? " is" : ": " + existing + " is") + " a file, not a directory."
          + " Choose a directory (one that does not exist yet is created)");
    }
    Path real = realish(dest);
    for (Path p = real; p != null; p = p.getParent()) {
      if (p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).equals(".git")
          || isGitDir(p)) {
        throw new PantriException(code, "destination " + dest + origin + " lies in the git directory " + p
            + "; git runs files from there (hooks), so pantri never writes into one. Choose another destination");
      }
    }
    for (String shelf : shelves) {
      Path s = real.resolve(shelf);
      if (isGitDir(s)) {
        throw new PantriException(code, "destination " + s + origin + " is a git directory;"
            + " pantri never writes into one. Choose another destination");
      }
    }
    Path gitDir = realish(repo.git().gitDir());
    if (real.startsWith(gitDir)) {
      throw new PantriException(code, "destination " + dest + origin + " lies in " + gitDir
          + "; choose a directory outside .git");
    }
    if (inPlace) {
      return;
    }
    Path root = repo.root();
    if (root.startsWith(real)) {
      throw new PantriException(code, "destination " + dest + origin + " contains the repository " + root
          + "; retrieve would write among its files. Use a directory outside it, <repo>/dest_sync, or shelves/ for in place");
    }
    if (real.startsWith(root)) {
      String rel = root.relativize(real).toString();
      if (real.startsWith(realish(repo.shelves()))) {
        throw new PantriException(code, "destination " + dest + origin + " is inside shelves/;"
            + " use shelves/ itself for an in-place retrieve, or a directory outside it");
      }
      if (!repo.git().lsFiles(":(literal)" + rel).isEmpty()) {
        throw new PantriException(code, "destination " + dest + origin + " holds files tracked by git;"
            + " retrieve would overwrite or delete them. Use an untracked directory such as dest_sync/");
      }
      return;
    }
    if (fromRepoConfig && !trust.allowsDestination(real) && !trust.allowsDestination(dest)) {
      throw new PantriException(code, "destination " + dest + origin + " is outside the repository, and"
          + " the repository's config may not choose where this host writes. If it is right, pass -d " + dest
          + ", or allow it on this host: destinations = [\"" + dest + "\"] under [trust] in "
          + trust.source().split(" and ")[0] + " (or PANTRI_TRUST_DESTINATIONS)");
    }
  }

  /** A bare or non-bare git directory: HEAD, objects/ and refs/ side by side. */
  static boolean isGitDir(Path p) {
    return Files.isRegularFile(p.resolve("HEAD"), LinkOption.NOFOLLOW_LINKS)
        && Files.isDirectory(p.resolve("objects")) && Files.isDirectory(p.resolve("refs"));
  }

  /** The real path of the longest existing prefix, with the rest appended (DEST may not exist yet). */
  static Path realish(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
  }
}
