package org.pantri.repo;

import java.util.Locale;

/** How object keys are derived from a pitem. */
public enum Layout {
  /** Key from the SHA-256: identical files stored once, every old commit stays retrievable. */
  CONTENT,
  /** Key = path under shelves/, as the original tool named objects. */
  PATH;

  public static Layout parse(String s) throws RepoException {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new RepoException("layout must be 'content' or 'path', not '" + s + "'");
    }
  }

  /** The object key for content with this SHA-256 stored at this shelves-relative path. */
  public String key(String shelvesPath, String sha256) {
    return this == PATH
        ? shelvesPath
        : "sha256/" + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256;
  }
}
