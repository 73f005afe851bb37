package org.pantri.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.pantri.store.ObjectInfo;
import org.pantri.store.ObjectStore;
import org.pantri.transfer.Retrier;

/**
 * Does the store hold these objects with the right size? The one implementation behind the
 * pre-push guard ({@code pantri push-check}), {@code pantri ls --remote} and {@code verify
 * --remote}: one listing per key prefix (content layout: {@code sha256/}; path layout: the
 * shelf), not one request per object; only a handful of objects are stat'ed one by one.
 */
public final class RemoteCheck {
  /** Up to this many objects are checked with one stat each; more with one listing per prefix. */
  static final int STAT_THRESHOLD = 16;

  private RemoteCheck() {}

  /**
   * One object a pitem needs.
   *
   * @param key the object key (as the pitem's layout names it)
   * @param size the pitem's file_size
   * @param where what to name in messages (the pitem's repository path, maybe with its commit)
   * @param fallbackKey another key the object may be read under (content layout: the path
   *     layout's key, which retrieve falls back to), or null
   */
  public record Want(String key, long size, String where, String fallbackKey) {}

  /** What is wrong with one wanted object. {@code actualSize} is -1 when missing. */
  public record Problem(Want want, long actualSize) {
    public boolean missing() {
      return actualSize < 0;
    }

    public String describe(String storeName) {
      return want.where() + ": " + (missing()
          ? "object " + want.key() + " is missing from " + storeName
          : "object " + want.key() + " in " + storeName + " has " + actualSize + " bytes, the pitem says " + want.size());
    }
  }

  /** The outcome: problems in the order the wants came, and the requests it took. */
  public record Report(List<Problem> problems, int checked, int requests) {}

  /** Checks every want against {@code store}. */
  public static Report check(ObjectStore store, Collection<Want> wants, Retrier retrier) throws IOException {
    int[] requests = {0};
    Map<String, Optional<ObjectInfo>> known = new HashMap<>();
    TreeSet<String> keys = new TreeSet<>();
    wants.forEach(w -> keys.add(w.key()));
    if (keys.size() <= STAT_THRESHOLD) {
      for (String k : keys) {
        requests[0]++;
        known.put(k, retrier.call(k, () -> store.stat(k)));
      }
    } else {
      Map<String, ObjectInfo> listed = new HashMap<>();
      for (String prefix : prefixes(keys)) {
        requests[0]++;
        for (ObjectInfo i : retrier.call("listing of " + store.describe(), () -> store.list(prefix))) {
          listed.put(i.key(), i);
        }
      }
      keys.forEach(k -> known.put(k, Optional.ofNullable(listed.get(k))));
    }
    List<Problem> out = new ArrayList<>();
    Map<String, Optional<ObjectInfo>> fallbacks = new HashMap<>();
    for (Want w : wants) {
      Optional<ObjectInfo> have = known.get(w.key());
      if (have.isEmpty() && w.fallbackKey() != null) {
        String fk = w.fallbackKey();
        if (!fallbacks.containsKey(fk)) {
          requests[0]++;
          fallbacks.put(fk, retrier.call(fk, () -> store.stat(fk)));
        }
        have = fallbacks.get(fk);
      }
      if (have.isEmpty()) {
        out.add(new Problem(w, -1));
      } else if (have.get().size() >= 0 && have.get().size() != w.size()) {
        out.add(new Problem(w, have.get().size()));
      }
    }
    return new Report(out, keys.size(), requests[0]);
  }

  /**
   * The listing prefixes covering {@code keys}: "sha256/" for content keys, the first path
   * segment for path keys (a shelf), so a container's other data is not listed.
   */
  static List<String> prefixes(Collection<String> keys) {
    LinkedHashMap<String, Boolean> out = new LinkedHashMap<>();
    for (String k : keys) {
      int slash = k.indexOf('/');
      out.put(slash < 0 ? k : k.substring(0, slash + 1), true);
    }
    return new ArrayList<>(out.keySet());
  }
}
