package org.pantri.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pantri.pitem.Pitem;
import org.pantri.repo.Layout;

/** Decides what {@code retrieve} downloads, copies and deletes. Pure: facts come in as arguments. */
public final class RetrievePlanner {
  private RetrievePlanner() {}

  /**
   * What is known of a path in DEST: absent, or its size, mtime, executable bit and (when asked
   * for) the SHA-256 of its content and its git blob id.
   */
  public record DestFact(boolean exists, boolean regularFile, long size, long mtimeSeconds, String sha256,
      String gitBlob, boolean executable) {
    public static final DestFact ABSENT = new DestFact(false, false, -1, -1, null, null, false);

    public DestFact(boolean exists, boolean regularFile, long size, long mtimeSeconds, String sha256) {
      this(exists, regularFile, size, mtimeSeconds, sha256, null, false);
    }
  }

  /** A binary wanted at {@code destPath} (relative to DEST, equal to the pitem's path). */
  public record WantedObject(Pitem pitem) {}

  /**
   * A committed text file to mirror, as the commit has it: git's blob id, size and executable bit
   * (never the work tree's copy, which may hold uncommitted edits).
   */
  public record WantedFile(String path, String blob, long size, boolean executable) {}

  public record Download(String key, Pitem pitem) {}

  public record Copy(String path, String blob, long size, boolean executable) {}

  /**
   * Content that DEST already holds at {@code source} (a file this plan deletes or keeps), put at
   * the download's path instead of fetching it: {@code move} when the source goes away anyway.
   */
  public record Reuse(Download download, String source, boolean move) {}

  public record Plan(List<Download> downloads, List<Copy> copies, List<String> deletes, int upToDate,
      List<Reuse> reuses) {
    public Plan(List<Download> downloads, List<Copy> copies, List<String> deletes, int upToDate) {
      this(downloads, copies, deletes, upToDate, List.of());
    }

    public long downloadBytes() {
      return downloads.stream().mapToLong(d -> d.pitem().fileSize()).sum();
    }

    public boolean isEmpty() {
      return downloads.isEmpty() && copies.isEmpty() && deletes.isEmpty();
    }
  }

  /** Compares by size + mtime, or by SHA-256 when {@code checksum} (the fact must then carry it). */
  public static boolean objectCurrent(Pitem p, DestFact f, boolean checksum) {
    if (!f.exists() || !f.regularFile() || f.size() != p.fileSize()) {
      return false;
    }
    return checksum ? p.sha256().equals(f.sha256()) : f.mtimeSeconds() == p.modifiedTime();
  }

  /** Same size, same git blob and same executable bit: exactly the committed file. */
  public static boolean fileCurrent(WantedFile w, DestFact f) {
    return f.exists() && f.regularFile() && f.size() == w.size() && w.blob().equals(f.gitBlob())
        && f.executable() == w.executable();
  }

  /**
   * Plans one shelf. {@code removed} are DEST paths whose pitem or file left git since the last
   * synced commit; a path that is wanted again (e.g. a binary that became a text file) is not
   * deleted. {@code facts} holds what DEST has at every wanted path.
   */
  public static Plan plan(List<WantedObject> objects, List<WantedFile> files, Set<String> removed,
      Map<String, DestFact> facts, boolean checksum, Layout layout) {
    List<Download> downloads = new ArrayList<>();
    List<Copy> copies = new ArrayList<>();
    Set<String> wanted = new HashSet<>();
    int current = 0;
    for (WantedObject o : objects) {
      Pitem p = o.pitem();
      wanted.add(p.path());
      if (objectCurrent(p, facts.getOrDefault(p.path(), DestFact.ABSENT), checksum)) {
        current++;
      } else {
        downloads.add(new Download(layout.key(p.path(), p.sha256()), p));
      }
    }
    for (WantedFile w : files) {
      wanted.add(w.path());
      if (fileCurrent(w, facts.getOrDefault(w.path(), DestFact.ABSENT))) {
        current++;
      } else {
        copies.add(new Copy(w.path(), w.blob(), w.size(), w.executable()));
      }
    }
    List<String> deletes = new ArrayList<>();
    for (String r : removed) {
      if (!wanted.contains(r)) {
        deletes.add(r);
      }
    }
    downloads.sort((a, b) -> Long.compare(b.pitem().fileSize(), a.pitem().fileSize()));
    return new Plan(downloads, copies, deletes, current);
  }

  /**
   * Local reuse: downloads whose content DEST already has elsewhere are taken from there. {@code
   * local} maps {@link #contentKey} to a DEST path believed to hold that content (a file this plan
   * deletes, e.g. the old name of a rename, or one that is current); the caller verifies the bytes
   * before using them. A source the plan deletes is moved to the first path that wants it (a rename
   * costs nothing), and copied to any further one.
   */
  public static Plan withReuse(Plan plan, Map<String, String> local) {
    if (local.isEmpty() || plan.downloads().isEmpty()) {
      return plan;
    }
    Set<String> deleted = new HashSet<>(plan.deletes());
    Set<String> moved = new HashSet<>();
    List<Download> downloads = new ArrayList<>();
    List<Reuse> reuses = new ArrayList<>();
    for (Download d : plan.downloads()) {
      String source = local.get(contentKey(d.pitem()));
      if (source == null || source.equals(d.pitem().path())) {
        downloads.add(d);
        continue;
      }
      boolean move = deleted.contains(source) && moved.add(source);
      reuses.add(new Reuse(d, source, move));
    }
    // a moved source is no longer there to delete; a copied-from one must outlive its copies
    List<String> deletes = new ArrayList<>();
    for (String r : plan.deletes()) {
      if (!moved.contains(r)) {
        deletes.add(r);
      }
    }
    return new Plan(downloads, plan.copies(), deletes, plan.upToDate(), reuses);
  }

  /** Content identity: SHA-256 and size (a pitem that shares a SHA-256 but not the size is other content). */
  public static String contentKey(Pitem p) {
    return p.sha256() + "/" + p.fileSize();
  }

  /** The DEST path of a pitem's binary: the pitem's repo path without "shelves/" and ".pitem". */
  public static String binaryPathOfPitem(String shelvesPitemPath) {
    // Cutting six characters off any other name would silently name the wrong file. (A bare
    // ".pitem" gives an empty name, which the pitem's key check then refuses with a message.)
    if (!shelvesPitemPath.endsWith(".pitem")) {
      throw new IllegalArgumentException("not the path of a pitem: " + shelvesPitemPath);
    }
    return shelvesPitemPath.substring(0, shelvesPitemPath.length() - ".pitem".length());
  }

  /**
   * Groups downloads by content (SHA-256 and size), so content wanted at several paths is fetched
   * once, and a pitem that names a known SHA-256 with another size is a download of its own.
   */
  public static Map<String, List<Download>> byContent(List<Download> downloads) {
    Map<String, List<Download>> m = new LinkedHashMap<>();
    for (Download d : downloads) {
      m.computeIfAbsent(contentKey(d.pitem()), k -> new ArrayList<>()).add(d);
    }
    return m;
  }

  /** Groups downloads by key so content stored once is fetched once for several paths. */
  public static Map<String, List<Download>> byKey(List<Download> downloads) {
    Map<String, List<Download>> m = new LinkedHashMap<>();
    for (Download d : downloads) {
      m.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d);
    }
    return m;
  }
}
