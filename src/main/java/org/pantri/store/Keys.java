package org.pantri.store;

/** Checks object keys so no store ever turns a hostile key into a path outside its root. */
public final class Keys {
  private Keys() {}

  /** Returns the key if it is a safe relative '/'-separated name, else throws. */
  public static String check(String key) throws StoreException {
    if (key == null || key.isEmpty() || key.length() > 1024) {
      throw new StoreException("invalid object key (empty or longer than 1024 characters)");
    }
    if (key.startsWith("/") || key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
      throw new StoreException("invalid object key '" + printable(key) + "'");
    }
    for (String seg : key.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new StoreException("invalid object key '" + printable(key) + "'");
      }
    }
    return key;
  }

  static String printable(String s) {
    return s.replace("\0", "\\0");
  }
}
