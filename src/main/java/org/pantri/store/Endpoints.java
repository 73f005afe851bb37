package org.pantri.store;

import java.net.URI;
import java.util.Locale;

/** Comparing the endpoints that credentials are bound to. */
public final class Endpoints {
  private Endpoints() {}

  /**
   * True when {@code url} has {@code prefix}'s scheme, host and port, no user info, and a path
   * equal to or below prefix's (on a segment boundary: /v1/AUTH_a does not cover /v1/AUTH_ab).
   */
  public static boolean sameOrUnder(String url, String prefix) {
    try {
      URI u = URI.create(url.trim());
      URI p = URI.create(prefix.trim());
      if (u.getScheme() == null || p.getScheme() == null || u.getHost() == null || p.getHost() == null) {
        return false;
      }
      if (!u.getScheme().equalsIgnoreCase(p.getScheme())
          || !u.getHost().toLowerCase(Locale.ROOT).equals(p.getHost().toLowerCase(Locale.ROOT))
          || port(u) != port(p) || u.getRawUserInfo() != null) {
        return false;
      }
      String up = path(u);
      String pp = path(p);
      if (pp.endsWith("/")) {
        return up.startsWith(pp) || (up + "/").equals(pp);
      }
      return up.equals(pp) || up.startsWith(pp + "/");
    } catch (IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  /** The same endpoint, ignoring trailing slashes and the case of scheme and host. */
  public static boolean same(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return sameOrUnder(strip(a), strip(b)) && sameOrUnder(strip(b), strip(a));
  }

  private static String strip(String u) {
    String s = u.trim();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static String path(URI u) {
    String p = u.getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
  }

  /** The URL without user info, query or fragment: safe for messages and logs. */
  public static String printable(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        return u.getRawUserInfo() == null && u.getRawQuery() == null ? url : "<URL>";
      }
      String port = u.getPort() < 0 ? "" : ":" + u.getPort();
      return u.getScheme() + "://" + u.getHost() + port + (u.getRawPath() == null ? "" : u.getRawPath());
    } catch (IllegalArgumentException e) {
      return "<invalid URL>";
    }
  }
}
