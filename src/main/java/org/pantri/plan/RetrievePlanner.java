package org.pantri.plan;

import java.nio.file.Path;
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

  /** What is known of a path in DEST: absent, or its size, mtime and (when asked for) SHA-256. */
  public record DestFact(boolean exists, boolean regularFile, long size, long mtimeSeconds, String sha256) {
    public static final DestFact ABSENT = new DestFact(false, false, -1, -1, null);
  }

  /** A binary wanted at {@code destPath} (relative to DEST, equal to the pitem's path). */
  public record WantedObject(Pitem pitem) {}

  /** A committed text file to mirror: source in the work tree and its size/mtime. */
  public record WantedFile(String path, Path source, long size, long mtimeSeconds) {}

  public record Download(String key, Pitem pitem) {}

  public record Copy(String path, Path source, long size) {}

  public record Plan(List<Download> downloads, List<Copy> copies, List<String> deletes, int upToDate) {
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

  public static boolean fileCurrent(WantedFile w, DestFact f) {
    return f.exists() && f.regularFile() && f.size() == w.size() && f.mtimeSeconds() == w.mtimeSeconds();
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
        copies.add(new Copy(w.path(), w.source(), w.size()));
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
      m.computeIfAbsent(d.pitem().sha256() + "/" + d.pitem().fileSize(), k -> new ArrayList<>()).add(d);
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
