package org.pantri.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pantri.pitem.Pitem;
import org.pantri.repo.Layout;

/** Decides what {@code store} uploads. Pure: every fact comes in as an argument. */
public final class StorePlanner {
  private StorePlanner() {}

  /** What the store holds under a key, as far as planning cares (plan knows no store types). */
  public interface Stored {
    long size();

    /** The object's recorded mtime in seconds, or negative when unknown. */
    long mtimeSeconds();

    static Stored of(long size, long mtimeSeconds) {
      record Facts(long size, long mtimeSeconds) implements Stored {}
      return new Facts(size, mtimeSeconds);
    }
  }

  /** A file to be stored, its new pitem, and the pitem that was there before (or null). */
  public record Item(Path file, Pitem pitem, Pitem previous) {
    public String path() {
      return pitem.path();
    }
  }

  /** One object to upload and every item whose pitem waits for it. */
  public record Upload(String key, Path source, Pitem pitem, List<Item> items) {}

  /**
   * What the store holds under one key, gathered before planning.
   *
   * @param size the object's size in bytes
   * @param mtimeSeconds the source mtime recorded with it, or -1 when unknown
   */
  public record StoredFact(long size, long mtimeSeconds) {}

  /** Uploads to run, and items whose object the store already holds (their pitems can be written now). */
  public record Plan(List<Upload> uploads, List<Item> alreadyStored) {
    public long uploadBytes() {
      return uploads.stream().mapToLong(u -> u.pitem().fileSize()).sum();
    }
  }

  /**
   * True when the previous pitem's hashes may be reused: same size and mtime, unless
   * {@code checksum} forces re-hashing.
   */
  public static boolean canReuseHashes(long size, long mtimeSeconds, Pitem previous, boolean checksum) {
    return !checksum && previous != null && previous.fileSize() == size
        && previous.modifiedTime() == mtimeSeconds && previous.sha1() != null;
  }

  /** The key each item is stored under, each once, in the items' order: what to ask the store. */
  public static Set<String> keys(List<Item> items, Layout layout) {
    Set<String> keys = new java.util.LinkedHashSet<>();
    for (Item it : items) {
      keys.add(layout.key(it.path(), it.pitem().sha256()));
    }
    return keys;
  }

  /**
   * Plans the uploads. {@code stored} tells what the store holds under each key (a key that is
   * not in the map is absent). In the content layout an object with the key and size is the same
   * content; in the path layout size and recorded mtime must both match (the original's "changed"
   * rule).
   */
  public static Plan plan(List<Item> items, Layout layout, Map<String, StoredFact> stored) {
    Map<String, List<Item>> byKey = new LinkedHashMap<>();
    for (Item it : items) {
      byKey.computeIfAbsent(layout.key(it.path(), it.pitem().sha256()), k -> new ArrayList<>()).add(it);
    }
    List<Upload> uploads = new ArrayList<>();
    List<Item> done = new ArrayList<>();
    for (Map.Entry<String, List<Item>> e : byKey.entrySet()) {
      Item first = e.getValue().get(0);
      StoredFact have = stored.get(e.getKey());
      if (isStored(have, first.pitem(), layout)) {
        done.addAll(e.getValue());
      } else {
        uploads.add(new Upload(e.getKey(), first.file(), first.pitem(), List.copyOf(e.getValue())));
      }
    }
    // Largest first, so one big file does not start last and hold up the end of the run.
    uploads.sort((a, b) -> Long.compare(b.pitem().fileSize(), a.pitem().fileSize()));
    return new Plan(List.copyOf(uploads), List.copyOf(done));
  }

  /**
   * The decision {@link #plan} makes for one key, for a caller that plans each item as it comes
   * (no map, lists and plan per item): true when the store already holds {@code pitem}'s object,
   * as {@code have} describes it (null: absent).
   */
  public static boolean isStored(StoredFact have, Pitem pitem, Layout layout) {
    return have != null && isSame(have, pitem, layout);
  }

  static boolean isSame(StoredFact o, Pitem p, Layout layout) {
    if (o.size() != p.fileSize()) {
      return false;
    }
    return layout == Layout.CONTENT || o.mtimeSeconds() == p.modifiedTime();
  }
}
