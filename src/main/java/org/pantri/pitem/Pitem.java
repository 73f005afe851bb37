package org.pantri.pitem;

import java.util.Map;
import java.util.Objects;

/**
 * One pointer file: the object's path relative to {@code shelves/} (always '/'-separated) and
 * what the content was when stored. Immutable. Unknown keys the file carried are kept in
 * {@link #extra()} and written back unchanged.
 *
 * @param path relative to shelves/, e.g. "mac/tools/tool.pkg"
 * @param fileSize size in bytes
 * @param modifiedTime whole seconds since the epoch (truncated)
 * @param sha1 lowercase hex SHA-1, or null when an old pitem lacked it
 * @param sha256 lowercase hex SHA-256
 * @param extra other keys of the inner object, preserved (values are Jackson-free plain Java:
 *     Map, List, String, Number, Boolean, null)
 */
public record Pitem(
    String path, long fileSize, long modifiedTime, String sha1, String sha256, Map<String, Object> extra) {

  public Pitem {
    Objects.requireNonNull(path);
    Objects.requireNonNull(sha256);
    extra = extra == null || extra.isEmpty() ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
  }

  public Pitem(String path, long fileSize, long modifiedTime, String sha1, String sha256) {
    this(path, fileSize, modifiedTime, sha1, sha256, Map.of());
  }

  /** The same pitem under another path (e.g. its location's spelling of a key it matched after NFC). */
  public Pitem withPath(String newPath) {
    return newPath.equals(path) ? this : new Pitem(newPath, fileSize, modifiedTime, sha1, sha256, extra);
  }
}
